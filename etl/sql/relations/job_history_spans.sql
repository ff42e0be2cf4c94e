-- Each job_history row of the files (with its _row) and the day it stops holding: the employee's
-- next row, or the exit if that comes first. The checks' reading of int_assignments, before
-- anything is staged; rows without an employee or effective date are left to their own checks.
SELECT
    j._row,
    j.employee_id,
    j.manager_id,
    j.effective_date AS valid_from,
    least(
        coalesce(lead(j.effective_date) OVER (PARTITION BY j.employee_id ORDER BY j.effective_date),
                 DATE 'infinity'),
        coalesce(x.exit_date, DATE 'infinity')
    ) AS valid_to
FROM job_history AS j
LEFT JOIN exits AS x USING (employee_id)
WHERE j.employee_id IS NOT NULL AND j.effective_date IS NOT NULL
