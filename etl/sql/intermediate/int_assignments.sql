-- Each job_history row with the day it stops holding: valid_to (exclusive) is the employee's
-- next row, or the exit date if that comes first, or NULL while it still holds. A row that
-- starts on or after the exit never holds and is left out (the loader warned about it).
WITH source AS (
    SELECT
        j.*,
        lead(j.effective_date) OVER (PARTITION BY j.employee_id ORDER BY j.effective_date) AS next_from
    FROM stg_job_history AS j
),

final AS (
    SELECT
        s.employee_id,
        s.effective_date AS valid_from,
        CASE
            WHEN s.next_from IS NULL THEN x.exit_date
            WHEN x.exit_date IS NULL THEN s.next_from
            ELSE least(s.next_from, x.exit_date)
        END AS valid_to,
        s.org,
        s.team,
        s.manager_id,
        s.level,
        s.reason,
        s.forced,
        e.job_family,
        e.location,
        e.hire_date,
        x.exit_date,
        x.exit_type
    FROM source AS s
    JOIN stg_employees AS e USING (employee_id)
    LEFT JOIN stg_exits AS x USING (employee_id)
    WHERE x.exit_date IS NULL OR s.effective_date < x.exit_date
)

SELECT * FROM final
