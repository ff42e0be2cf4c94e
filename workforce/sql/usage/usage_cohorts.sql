-- Usage cohorts per month and org: people per cohort (a distribution, never a list), over the
-- person-months the loader classified (mart_usage_cohort_person_month, where the cohort rule and
-- the people counted are written). Any team filter applies: each person-month has one team.
SELECT month, org, cohort, count(*) AS people
FROM mart_usage_cohort_person_month
WHERE list_contains($orgs, org)
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
  AND ($start::DATE IS NULL OR month >= date_trunc('month', $start::DATE))
  AND ($end::DATE IS NULL OR month <= $end::DATE)
GROUP BY ALL
ORDER BY month, org, cohort
