-- An exit of an unknown person could not be counted in any headcount or attrition rate.
-- table: exits
-- column: employee_id
-- severity: error
-- rule: references(employees)
-- message: must be an employee_id of employees
SELECT x._row, x.employee_id AS value
FROM exits AS x
ANTI JOIN employees AS e USING (employee_id)
WHERE x.employee_id IS NOT NULL
