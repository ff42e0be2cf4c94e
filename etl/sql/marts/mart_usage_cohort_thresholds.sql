-- The usage cohort rule's two company-wide thresholds, one row: the median and the 90th
-- percentile of monthly tokens over every person-month with usage in the data. A month's
-- cohort (mart_usage_cohort_person_month): none = 0 tokens, light below the median, moderate
-- below the 90th percentile, heavy from it. Fixed thresholds let a shift towards heavy use show
-- up over time. Built after mart_usage_person_month.
SELECT
    quantile_cont(total_tokens, 0.5) AS p50,
    quantile_cont(total_tokens, 0.9) AS p90,
    count(*) AS person_months_with_usage
FROM mart_usage_person_month
WHERE total_tokens > 0
