-- People over a usage_quota mandate, per mandate, org and month. The quota is read as total
-- tokens per person per calendar month; months count from the first that starts on or after
-- the effective date. People as in the cohorts: everyone employed on the month's first day
-- (in that day's org and team) plus anyone with usage that month who joined later.
WITH mandates AS (
    SELECT m.mandate_id, o.org, m.team, m.effective_date, m.target, m.description
    FROM stg_ai_mandates AS m
    JOIN (SELECT unnest($orgs::VARCHAR[]) AS org) AS o ON m.org = '*' OR m.org = o.org
    WHERE m.kind = 'usage_quota' AND m.target IS NOT NULL
      AND ($teams::VARCHAR[] IS NULL OR m.team IS NULL OR list_contains($teams, m.team))
),
people AS (
    SELECT
        coalesce(e.month, u.month) AS month,
        coalesce(e.org, u.org) AS org,
        coalesce(e.team, u.team) AS team,
        coalesce(u.total_tokens, 0) AS total_tokens
    FROM (SELECT month, employee_id, org, team FROM mart_employee_month) AS e
    FULL JOIN mart_usage_person_month AS u USING (month, employee_id)
)
SELECT
    m.mandate_id, m.org, m.team, m.target AS quota_tokens_per_month, m.description, p.month,
    count(*) FILTER (WHERE p.total_tokens > m.target) AS people_over,
    count(*) AS headcount,
    count(*) FILTER (WHERE p.total_tokens > m.target) / count(*) AS share_over
FROM mandates AS m
JOIN people AS p
    ON p.org = m.org AND (m.team IS NULL OR p.team = m.team) AND p.month >= m.effective_date
WHERE ($teams::VARCHAR[] IS NULL OR list_contains($teams, p.team))
  AND p.month BETWEEN (SELECT min(month) FROM mart_usage_person_month)
                  AND (SELECT max(month) FROM mart_usage_person_month)
  AND ($start::DATE IS NULL OR p.month >= date_trunc('month', $start::DATE))
  AND ($end::DATE IS NULL OR p.month <= $end::DATE)
GROUP BY ALL
ORDER BY m.mandate_id, m.org, p.month
