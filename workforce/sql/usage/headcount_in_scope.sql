-- The rows of mart_headcount_week (people employed on each Monday, per org and team) the filters
-- select: the headcount adoption is measured against. Read as a relation by adoption_weekly.sql
-- and adoption_vs_target.sql.
SELECT week, org, team, headcount
FROM mart_headcount_week
WHERE list_contains($orgs, org)
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
  AND ($start::DATE IS NULL OR week >= date_trunc('week', $start::DATE))
  AND ($end::DATE IS NULL OR week <= $end::DATE)
