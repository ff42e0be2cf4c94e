-- Without an assignment a person has no org or team, so their usage and answers could not be
-- attributed: every employee needs at least their hire row.
-- table: employees
-- column: employee_id
-- severity: error
-- rule: has_job_history
-- message: has no job_history row (every employee needs at least the hire row)
SELECT e._row, e.employee_id AS value
FROM employees AS e
ANTI JOIN job_history AS j USING (employee_id)
WHERE e.employee_id IS NOT NULL
