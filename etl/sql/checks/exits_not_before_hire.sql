-- One employment spell: it cannot end before it starts.
-- table: exits
-- column: exit_date
-- severity: error
-- rule: not_before(hire_date)
-- message: must not be before the employee's hire_date
SELECT x._row, CAST(x.exit_date AS VARCHAR) || ' < hired ' || CAST(e.hire_date AS VARCHAR) AS value
FROM exits AS x
JOIN employees AS e USING (employee_id)
WHERE x.exit_date < e.hire_date
