-- The people of the usage cohorts, quotas and cost per change, one row per month and person:
-- everyone employed on the month's first day (mart_employee_month, in that day's org and team)
-- plus anyone with usage that month who joined later (in the org of their last usage day),
-- over the months with usage. cohort: the month's total tokens against the thresholds of
-- mart_usage_cohort_thresholds (none = 0, light < median, moderate < 90th percentile, heavy
-- from it): the one place the cohort rule is written. measured: the person has at least one outcomes
-- row in the data; changes: changes landed in the weeks starting in the month.
-- Built after mart_employee_month, mart_usage_person_month and mart_usage_cohort_thresholds.
WITH window_months AS (
    SELECT min(month) AS first_month, max(month) AS last_month FROM mart_usage_person_month
),
-- outcomes of every source (mart_outcomes_week); measured: a week whose changes are counted
measured AS (SELECT DISTINCT employee_id FROM mart_outcomes_week WHERE changes_landed IS NOT NULL),
work AS (
    SELECT date_trunc('month', week_start)::DATE AS month, employee_id, sum(changes_landed) AS changes
    FROM mart_outcomes_week
    GROUP BY ALL
),
people AS (
    SELECT
        coalesce(e.month, u.month) AS month,
        coalesce(e.employee_id, u.employee_id) AS employee_id,
        coalesce(e.org, u.org) AS org,
        coalesce(e.team, u.team) AS team,
        coalesce(u.total_tokens, 0) AS total_tokens,
        coalesce(u.cost_usd, 0) AS cost_usd
    FROM (SELECT month, employee_id, org, team FROM mart_employee_month) AS e
    FULL JOIN mart_usage_person_month AS u USING (month, employee_id)
)
SELECT
    p.month,
    p.employee_id,
    p.org,
    p.team,
    p.total_tokens,
    p.cost_usd,
    CASE
        WHEN p.total_tokens = 0 THEN 'none'
        WHEN p.total_tokens < t.p50 THEN 'light'
        WHEN p.total_tokens < t.p90 THEN 'moderate'
        ELSE 'heavy'
    END AS cohort,
    m.employee_id IS NOT NULL AS measured,
    coalesce(w.changes, 0) AS changes
FROM people AS p
CROSS JOIN mart_usage_cohort_thresholds AS t
CROSS JOIN window_months AS wm
LEFT JOIN measured AS m USING (employee_id)
LEFT JOIN work AS w USING (month, employee_id)
WHERE p.month BETWEEN wm.first_month AND wm.last_month
ORDER BY p.month, p.org
