-- The survival analysis's window: the first month of the employee-months, and the HR as-of
-- date, the latest day job_history or exits say anything about (a job change or an exit).
-- Follow-up ends there: an exit after it would not be in the data yet, so counting people as
-- at risk past it would understate the exit rate. Usage and survey dates play no part.
SELECT
    (SELECT min(month) FROM mart_employee_month) AS first_month,
    greatest(
        (SELECT max(effective_date) FROM stg_job_history),
        (SELECT max(exit_date) FROM stg_exits)
    ) AS hr_as_of
