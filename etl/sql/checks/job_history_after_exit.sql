-- A row starting on or after the person's exit never holds: it is loaded but left out of
-- int_assignments.
-- table: job_history
-- column: effective_date
-- severity: warning
-- rule: row_after_exit
-- message: starts on or after the employee's exit_date, so it never holds (left out of the marts)
SELECT j._row, j.employee_id || ': ' || CAST(j.effective_date AS VARCHAR) || ' ≥ exit ' || CAST(x.exit_date AS VARCHAR) AS value
FROM job_history AS j
JOIN exits AS x USING (employee_id)
WHERE j.effective_date >= x.exit_date
