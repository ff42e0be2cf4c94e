-- Who is employed on each month start in [$start, $end] and the assignment in effect then, from
-- the month grid the load stores (mart_employee_month: everyone employed on the first day of each
-- month from a year before the data's last day, or its first activity if earlier). The `active`
-- relation of the monthly figures; on_day.sql is the same for one day.
SELECT month AS day, employee_id, org, team, manager_id, level, depth
FROM mart_employee_month
WHERE month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
