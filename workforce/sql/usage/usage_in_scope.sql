-- The rows of mart_usage_day the filters select, read as a relation by the usage queries that
-- honour every filter (spend_summary, token_mix, daily_spend). Grain: the mart's org rows
-- without a team filter, its team rows with one (a day is held at both grains; summing both
-- would count it twice).
SELECT *
FROM mart_usage_day
WHERE whole_org = ($teams::VARCHAR[] IS NULL)
  AND list_contains($orgs, org)
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
  AND ($vendors::VARCHAR[] IS NULL OR list_contains($vendors, vendor))
  AND ($tools::VARCHAR[] IS NULL OR list_contains($tools, tool))
  AND ($start::DATE IS NULL OR usage_date >= $start::DATE)
  AND ($end::DATE IS NULL OR usage_date <= $end::DATE)
