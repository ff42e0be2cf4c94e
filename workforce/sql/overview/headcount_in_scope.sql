-- Headcount on the data's last month start and the people ever employed in the window,
-- counted only in the orgs the viewer may see.
SELECT
    count(DISTINCT employee_id) FILTER (WHERE month = (SELECT max(month) FROM mart_employee_month)) AS headcount_now,
    count(DISTINCT employee_id) AS people_in_window,
    count(DISTINCT org) AS orgs,
    count(DISTINCT org || '/' || team) AS teams
FROM mart_employee_month
WHERE list_contains($orgs, org)
