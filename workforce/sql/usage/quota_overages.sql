-- People over a usage_quota mandate, per mandate, org and month. The quota is read as total
-- tokens per person per calendar month; months count from the first that starts on or after
-- the effective date. People as in the cohorts (mart_usage_cohort_person_month): everyone
-- employed on the month's first day (in that day's org and team) plus anyone with usage that
-- month who joined later.
-- Runs over `mandates` (mandate_orgs.sql, $kind = 'usage_quota').
SELECT
    m.mandate_id, m.org, m.team, m.target AS quota_tokens_per_month, m.description, p.month,
    count(*) FILTER (WHERE p.total_tokens > m.target) AS people_over,
    count(*) AS headcount,
    count(*) FILTER (WHERE p.total_tokens > m.target) / count(*) AS share_over
FROM mandates AS m
JOIN mart_usage_cohort_person_month AS p
    ON p.org = m.org AND (m.team IS NULL OR p.team = m.team) AND p.month >= m.effective_date
WHERE ($teams::VARCHAR[] IS NULL OR list_contains($teams, p.team))
  AND ($start::DATE IS NULL OR p.month >= date_trunc('month', $start::DATE))
  AND ($end::DATE IS NULL OR p.month <= $end::DATE)
GROUP BY ALL
ORDER BY m.mandate_id, m.org, p.month
