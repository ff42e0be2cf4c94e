-- An assignment must belong to a known person: spans, headcounts and attribution all start
-- from employees.
-- table: job_history
-- column: employee_id
-- severity: error
-- rule: references(employees)
-- message: must be an employee_id of employees
SELECT j._row, j.employee_id AS value
FROM job_history AS j
ANTI JOIN employees AS e USING (employee_id)
WHERE j.employee_id IS NOT NULL
