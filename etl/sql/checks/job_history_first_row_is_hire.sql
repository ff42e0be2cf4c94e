-- "The first row is the hire": an employee's earliest row starts on hire_date with reason
-- hire, so every day of employment has an assignment in effect.
-- table: job_history
-- column: effective_date
-- severity: error
-- rule: first_row_is_hire
-- message: an employee's first row must have effective_date = hire_date and reason hire
WITH ranked AS (
    SELECT j._row, j.employee_id, j.effective_date, j.reason,
           row_number() OVER (PARTITION BY j.employee_id ORDER BY j.effective_date, j._row) AS n
    FROM job_history AS j
    WHERE j.employee_id IS NOT NULL AND j.effective_date IS NOT NULL
)
SELECT r._row,
       r.employee_id || ': ' || CAST(r.effective_date AS VARCHAR) || ' ' || coalesce(r.reason, '?')
           || ' (hired ' || CAST(e.hire_date AS VARCHAR) || ')' AS value
FROM ranked AS r
JOIN employees AS e USING (employee_id)
WHERE r.n = 1
  AND e.hire_date IS NOT NULL
  AND (r.effective_date <> e.hire_date OR r.reason IS DISTINCT FROM 'hire')
