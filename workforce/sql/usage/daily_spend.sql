-- Daily spend of the scope, every calendar day from the data's first day to $end (or its
-- last), zeros included: the series the forecast is fitted on. The start filter is not
-- applied: the model needs the whole history.
-- Grain: mart_usage_day's org rows without a team filter, its team rows with one.
WITH filtered AS (
    SELECT usage_date, cost_usd
    FROM mart_usage_day
    WHERE whole_org = ($teams::VARCHAR[] IS NULL)
      AND list_contains($orgs, org)
      AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
      AND ($vendors::VARCHAR[] IS NULL OR list_contains($vendors, vendor))
      AND ($tools::VARCHAR[] IS NULL OR list_contains($tools, tool))
      AND ($end::DATE IS NULL OR usage_date <= $end::DATE)
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
