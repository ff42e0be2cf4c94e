-- One employment spell per employee_id: a later row with reason hire would be a re-hire,
-- which the contract does not allow.
-- table: job_history
-- column: reason
-- severity: error
-- rule: hire_only_on_first_row
-- message: reason hire is only allowed on an employee's first row
WITH ranked AS (
    SELECT j._row, j.employee_id, j.effective_date, j.reason,
           row_number() OVER (PARTITION BY j.employee_id ORDER BY j.effective_date, j._row) AS n
    FROM job_history AS j
    WHERE j.employee_id IS NOT NULL AND j.effective_date IS NOT NULL
)
SELECT _row, employee_id || ': ' || CAST(effective_date AS VARCHAR) AS value
FROM ranked
WHERE n > 1 AND reason = 'hire'
