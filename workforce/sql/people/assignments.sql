-- Every job_history row with the half-open interval [valid_from, valid_to) in which it holds:
-- until the employee's next row or their exit, whichever comes first (the exit date is the
-- first day not employed). A far-future sentinel instead of NULL keeps every "row in effect on
-- day d" test the same simple `valid_from <= d AND d < valid_to`.
SELECT
    j.employee_id,
    greatest(j.effective_date, e.hire_date) AS valid_from,
    least(
        coalesce(lead(j.effective_date) OVER (PARTITION BY j.employee_id ORDER BY j.effective_date), DATE '9999-12-31'),
        coalesce(x.exit_date, DATE '9999-12-31')
    ) AS valid_to,
    j.effective_date,
    j.org,
    j.team,
    j.manager_id,
    j.level,
    j.reason,
    j.forced,
    e.hire_date,
    x.exit_date,
    x.exit_type
FROM stg_job_history AS j
JOIN stg_employees AS e USING (employee_id)
LEFT JOIN stg_exits AS x USING (employee_id)
