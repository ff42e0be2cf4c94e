-- The company-wide monthly token thresholds that separate the light, moderate and heavy cohorts.
SELECT
    quantile_cont(total_tokens, 0.5) AS light_below_tokens,
    quantile_cont(total_tokens, 0.9) AS heavy_from_tokens,
    count(*) AS person_months_with_usage
FROM mart_usage_person_month
WHERE total_tokens > 0
