-- Span of control of every manager on each snapshot day of `active` (on_day.sql or month_grid.sql): people employed that day whose row in
-- effect names the manager. The manager's own org and team place them; a manager not employed
-- that day (a data-quality warning at load) is placed in their reports' org.
WITH spans AS (
    SELECT day, manager_id, count(*) AS span, min(org) AS reports_org, min(team) AS reports_team
    FROM active
    WHERE manager_id IS NOT NULL
    GROUP BY ALL
)
SELECT s.day, s.manager_id, coalesce(m.org, s.reports_org) AS org, coalesce(m.team, s.reports_team) AS team,
       m.level, s.span
FROM spans AS s
LEFT JOIN active AS m ON m.day = s.day AND m.employee_id = s.manager_id
