-- The data's as-of date: what the load recorded (the latest usage day or survey submission), or,
-- for data without either, the latest job change or exit.
SELECT coalesce(
    (SELECT CAST(nullif(left(value, 10), '') AS DATE) FROM app_meta WHERE key = 'as_of'),
    (SELECT greatest(max(effective_date), (SELECT max(exit_date) FROM stg_exits)) FROM stg_job_history)
)
