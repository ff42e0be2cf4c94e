-- Who is employed on each snapshot day (hire_date <= day < exit_date) and the row in effect then.
SELECT d.day, a.employee_id, a.org, a.team, a.manager_id, a.level
FROM days AS d
JOIN assignments AS a ON a.valid_from <= d.day AND d.day < a.valid_to
