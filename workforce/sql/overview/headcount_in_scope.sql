-- The people ever employed in the window and the orgs and teams they were in, counted only in
-- the orgs the viewer may see and the filters keep. (The headcount on a day is workforce.people.headcount_as_of.)
SELECT
    count(DISTINCT employee_id) AS people_in_window,
    count(DISTINCT org) AS orgs,
    count(DISTINCT org || '/' || team) AS teams
FROM mart_employee_month
WHERE list_contains($orgs, org)
  AND ($teams IS NULL OR list_contains($teams, team))
