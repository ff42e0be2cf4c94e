-- The company-wide monthly token thresholds that separate the light, moderate and heavy cohorts
-- (two numbers, no one's usage), as the loader stored them.
SELECT p50 AS light_below_tokens, p90 AS heavy_from_tokens, person_months_with_usage
FROM mart_usage_cohort_thresholds
