-- Spend must be attributable to a person and through them to an org.
-- table: token_usage
-- column: employee_id
-- severity: error
-- rule: references(employees)
-- message: must be an employee_id of employees
SELECT u._row, u.employee_id AS value
FROM token_usage AS u
ANTI JOIN employees AS e USING (employee_id)
WHERE u.employee_id IS NOT NULL
