-- Span of control of every manager on the first day of each month: the number of people
-- employed that day whose row in effect names them. org and team are the manager's own that
-- day (NULL when the manager is not employed that day; the loader warned about such rows).
WITH spans AS (
    SELECT month, manager_id, count(*) AS span
    FROM mart_employee_month
    WHERE manager_id IS NOT NULL
    GROUP BY month, manager_id
)

SELECT s.month, s.manager_id, m.org, m.team, CAST(s.span AS INTEGER) AS span
FROM spans AS s
LEFT JOIN mart_employee_month AS m ON m.month = s.month AND m.employee_id = s.manager_id
