-- Usage cohorts per person and month, counted per month and org (a distribution, never a list).
-- People: everyone employed on the month's first day (mart_employee_month, in that day's org)
-- plus anyone with usage that month who joined later (in their usage org). Cohort by the
-- month's total tokens against company-wide thresholds over every person-month with usage in
-- the data: none = 0, light < median, moderate < 90th percentile, heavy >= 90th percentile.
-- Fixed thresholds let a shift towards heavy use show up over time.
WITH thresholds AS (
    SELECT quantile_cont(total_tokens, 0.5) AS p50, quantile_cont(total_tokens, 0.9) AS p90
    FROM mart_usage_person_month
    WHERE total_tokens > 0
),
window_months AS (
    SELECT min(month) AS first_month, max(month) AS last_month FROM mart_usage_person_month
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
    p.month, p.org,
    CASE
        WHEN p.total_tokens = 0 THEN 'none'
        WHEN p.total_tokens < t.p50 THEN 'light'
        WHEN p.total_tokens < t.p90 THEN 'moderate'
        ELSE 'heavy'
    END AS cohort,
    count(*) AS people
FROM people AS p, thresholds AS t, window_months AS w
WHERE p.month BETWEEN w.first_month AND w.last_month
  AND list_contains($orgs, p.org)
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, p.team))
  AND ($start::DATE IS NULL OR p.month >= date_trunc('month', $start::DATE))
  AND ($end::DATE IS NULL OR p.month <= $end::DATE)
GROUP BY ALL
ORDER BY p.month, p.org, cohort
