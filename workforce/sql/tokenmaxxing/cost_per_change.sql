-- Cost and tokens per change landed, per usage cohort or org, over person-months of people
-- whose work is measured in changes (at least one outcomes row in the data). A person-month's
-- changes are those of the weeks starting in it; its cohort uses the thresholds of
-- usage_cohorts.sql (company-wide median and 90th percentile of monthly tokens).
WITH thresholds AS (
    SELECT quantile_cont(total_tokens, 0.5) AS p50, quantile_cont(total_tokens, 0.9) AS p90
    FROM mart_usage_person_month
    WHERE total_tokens > 0
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
),
rows AS (
    SELECT p.*, coalesce(w.changes, 0) AS changes,
        CASE
            WHEN p.total_tokens = 0 THEN 'none'
            WHEN p.total_tokens < t.p50 THEN 'light'
            WHEN p.total_tokens < t.p90 THEN 'moderate'
            ELSE 'heavy'
        END AS cohort
    FROM people AS p
    JOIN measured USING (employee_id)
    CROSS JOIN thresholds AS t
    LEFT JOIN work AS w USING (month, employee_id)
    WHERE p.month BETWEEN (SELECT min(month) FROM mart_usage_person_month)
                      AND (SELECT max(month) FROM mart_usage_person_month)
      AND list_contains($orgs, p.org)
      AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, p.team))
      AND ($start::DATE IS NULL OR p.month >= date_trunc('month', $start::DATE))
      AND ($end::DATE IS NULL OR p.month <= $end::DATE)
)
SELECT
    CASE $by WHEN 'org' THEN org ELSE cohort END AS "group",
    count(*) AS people,
    sum(cost_usd) AS cost_usd,
    sum(total_tokens)::BIGINT AS total_tokens,
    sum(changes)::BIGINT AS changes_landed,
    sum(cost_usd) / nullif(sum(changes), 0) AS cost_per_change_usd,
    sum(total_tokens) / nullif(sum(changes), 0) AS tokens_per_change,
    sum(changes) / count(*) AS changes_per_person_month
FROM rows
GROUP BY 1
ORDER BY 1
