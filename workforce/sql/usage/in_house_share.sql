-- Weekly share of tokens and spend that went to in-house tools (vendor = 'in-house')
-- rather than third-party vendors, in the viewer's scope. The vendor filter is not applied:
-- a share of one vendor would always be 0 or 1.
-- Grain: mart_usage_day's org rows without a team filter, its team rows with one.
SELECT
    date_trunc('week', usage_date)::DATE AS week,
    coalesce(sum(total_tokens) FILTER (WHERE vendor = 'in-house'), 0)::BIGINT AS in_house_tokens,
    sum(total_tokens)::BIGINT AS total_tokens,
    coalesce(sum(total_tokens) FILTER (WHERE vendor = 'in-house'), 0) / nullif(sum(total_tokens), 0)
        AS in_house_token_share,
    coalesce(sum(cost_usd) FILTER (WHERE vendor = 'in-house'), 0) AS in_house_cost_usd,
    sum(cost_usd) AS cost_usd,
    coalesce(sum(cost_usd) FILTER (WHERE vendor = 'in-house'), 0) / nullif(sum(cost_usd), 0)
        AS in_house_cost_share
FROM mart_usage_day
WHERE whole_org = ($teams::VARCHAR[] IS NULL)
  AND list_contains($orgs, org)
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
  AND ($tools::VARCHAR[] IS NULL OR list_contains($tools, tool))
  AND ($start::DATE IS NULL OR usage_date >= $start::DATE)
  AND ($end::DATE IS NULL OR usage_date <= $end::DATE)
GROUP BY week
ORDER BY week
