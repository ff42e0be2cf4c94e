-- Cost and tokens per change landed, per usage cohort or org, over person-months of people
-- whose work is measured in changes (at least one outcomes row in the data). A person-month's
-- changes are those of the weeks starting in it; people, months and cohorts are those of
-- mart_usage_cohort_person_month (the cohort rule is written there).
SELECT
    CASE $by WHEN 'org' THEN org ELSE cohort END AS "group",
    count(*) AS people,
    sum(cost_usd) AS cost_usd,
    sum(total_tokens)::BIGINT AS total_tokens,
    sum(changes)::BIGINT AS changes_landed,
    sum(cost_usd) / nullif(sum(changes), 0) AS cost_per_change_usd,
    sum(total_tokens) / nullif(sum(changes), 0) AS tokens_per_change,
    sum(changes) / count(*) AS changes_per_person_month
FROM mart_usage_cohort_person_month
WHERE measured
  AND list_contains($orgs, org)
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
  AND ($start::DATE IS NULL OR month >= date_trunc('month', $start::DATE))
  AND ($end::DATE IS NULL OR month <= $end::DATE)
GROUP BY 1
ORDER BY 1
