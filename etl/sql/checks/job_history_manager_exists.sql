-- A manager is a person too; an unknown manager_id would make an orphan subtree.
-- table: job_history
-- column: manager_id
-- severity: error
-- rule: references(employees)
-- message: must be an employee_id of employees (or empty for the top of the tree)
SELECT j._row, j.manager_id AS value
FROM job_history AS j
ANTI JOIN employees AS e ON e.employee_id = j.manager_id
WHERE j.manager_id IS NOT NULL
