-- Delivery signals are read per person next to their usage.
-- table: outcomes
-- column: employee_id
-- severity: error
-- rule: references(employees)
-- message: must be an employee_id of employees
SELECT o._row, o.employee_id AS value
FROM outcomes AS o
ANTI JOIN employees AS e USING (employee_id)
WHERE o.employee_id IS NOT NULL
