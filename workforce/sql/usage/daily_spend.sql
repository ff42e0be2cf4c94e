-- Daily spend of the scope, every calendar day from the data's first day to $end (or its
-- last), zeros included: the series the forecast is fitted on. Runs over `usage_in_scope`
-- (usage_in_scope.sql) with no start ($start NULL, usage.daily_spend): the model needs the whole
-- history.
WITH filtered AS (
    SELECT usage_date, cost_usd
    FROM usage_in_scope
),
days AS (
    SELECT unnest(generate_series(
        (SELECT min(usage_date) FROM mart_usage_day WHERE whole_org),
        coalesce(least($end::DATE, (SELECT max(usage_date) FROM mart_usage_day WHERE whole_org)),
                 (SELECT max(usage_date) FROM mart_usage_day WHERE whole_org)),
        INTERVAL 1 DAY))::DATE AS day
)
SELECT d.day, coalesce(sum(f.cost_usd), 0) AS cost_usd
FROM days AS d
LEFT JOIN filtered AS f ON f.usage_date = d.day
GROUP BY d.day
ORDER BY d.day
