-- Who is employed on $day and the assignment in effect then (int_assignments: valid_to is
-- exclusive and stops at the exit date, NULL while the row still holds). The `active` relation
-- of the "on a date" figures; month_grid.sql is the same for month starts.
SELECT CAST($day AS DATE) AS day, employee_id, org, team, manager_id, level
FROM int_assignments
WHERE valid_from <= CAST($day AS DATE) AND (valid_to IS NULL OR CAST($day AS DATE) < valid_to)
