-- Exits and exposure per org over [start, end], plus one row for everything in scope (org NULL).
-- Average headcount is person-days employed in the period / days in the period, i.e. the mean
-- of the daily headcount; exits count in the org of the person's last day. Reads
-- int_assignments (valid_to exclusive, NULL while the row still holds).
WITH period AS (
    SELECT CAST($start AS DATE) AS p_start, CAST($end AS DATE) + 1 AS p_stop
),
exposure AS (
    SELECT a.org, a.team,
           greatest(0, least(coalesce(a.valid_to, DATE '9999-12-31'), p.p_stop) - greatest(a.valid_from, p.p_start)) AS person_days,
           CAST(NULL AS VARCHAR) AS exit_type, CAST(NULL AS BOOLEAN) AS regretted
    FROM int_assignments AS a, period AS p
    WHERE a.valid_from < p.p_stop AND (a.valid_to IS NULL OR a.valid_to > p.p_start)
),
exits AS (
    SELECT a.org, a.team, 0 AS person_days, x.exit_type, x.regretted
    FROM stg_exits AS x
    JOIN int_assignments AS a
      ON a.employee_id = x.employee_id AND a.valid_to = x.exit_date,
      period AS p
    WHERE x.exit_date >= p.p_start AND x.exit_date < p.p_stop
),
rows AS (
    SELECT * FROM exposure
    UNION ALL
    SELECT * FROM exits
)
SELECT
    org,
    (SELECT p_stop - p_start FROM period) AS days,
    sum(person_days) AS person_days,
    count(*) FILTER (WHERE exit_type = 'voluntary') AS voluntary_exits,
    count(*) FILTER (WHERE exit_type = 'voluntary' AND regretted) AS regretted_exits,
    count(*) FILTER (WHERE exit_type = 'involuntary') AS involuntary_exits,
    count(*) FILTER (WHERE exit_type = 'layoff') AS layoff_exits,
    count(*) FILTER (WHERE exit_type = 'retirement') AS retirement_exits
FROM rows
WHERE list_contains($orgs, org)
  AND ($teams IS NULL OR list_contains($teams, team))
GROUP BY GROUPING SETS ((org), ())
