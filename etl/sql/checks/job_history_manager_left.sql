-- Allowed but worth knowing: the manager leaves while this row still holds (the report keeps
-- an absent manager until HR moves them).
-- table: job_history
-- column: manager_id
-- severity: warning
-- rule: manager_left_while_in_effect
-- message: the manager exits while this row is still in effect (loaded; reported as a data-quality warning)
WITH spans AS (
    SELECT j._row, j.employee_id, j.manager_id, j.effective_date,
           least(
               coalesce(lead(j.effective_date) OVER (PARTITION BY j.employee_id ORDER BY j.effective_date),
                        DATE 'infinity'),
               coalesce(x.exit_date, DATE 'infinity')
           ) AS valid_to
    FROM job_history AS j
    LEFT JOIN exits AS x USING (employee_id)
    WHERE j.employee_id IS NOT NULL AND j.effective_date IS NOT NULL
)
SELECT s._row, s.manager_id || ' left ' || CAST(mx.exit_date AS VARCHAR) AS value
FROM spans AS s
JOIN exits AS mx ON mx.employee_id = s.manager_id
WHERE mx.exit_date > s.effective_date AND mx.exit_date < s.valid_to
