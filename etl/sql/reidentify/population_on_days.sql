-- The attacker's reference table: everyone employed on each of $days (hire_date <= day < exit),
-- where they sat that day, their tenure band and their manager's span of control, read from
-- the HR tables the database file holds (stg_*), not from anything the survey code derives.
WITH days AS (
    SELECT DISTINCT unnest($days::DATE[]) AS day
),

assignments AS (
    SELECT
        j.employee_id, j.org, j.team, j.level, j.manager_id, e.hire_date,
        j.effective_date AS valid_from,
        least(
            coalesce(lead(j.effective_date) OVER (PARTITION BY j.employee_id ORDER BY j.effective_date),
                     DATE 'infinity'),
            coalesce(x.exit_date, DATE 'infinity')
        ) AS valid_to
    FROM stg_job_history AS j
    JOIN stg_employees AS e USING (employee_id)
    LEFT JOIN stg_exits AS x USING (employee_id)
),

held AS (
    SELECT d.day, a.employee_id, a.org, a.team, a.level, a.manager_id, a.hire_date
    FROM days AS d
    JOIN assignments AS a ON a.valid_from <= d.day AND d.day < a.valid_to
),

spans AS (
    SELECT day, manager_id, count(*) AS span
    FROM held
    WHERE manager_id IS NOT NULL
    GROUP BY ALL
),

final AS (
    SELECT
        h.day, h.employee_id, h.org, h.team, h.level,
        -- completed years of service on the day, as etl.contract.tenure_band computes it
        CASE
            WHEN tenure_years < 1 THEN '<1y'
            WHEN tenure_years < 2 THEN '1-2y'
            WHEN tenure_years < 5 THEN '2-5y'
            ELSE '5y+'
        END AS tenure_band,
        h.manager_id,
        CAST(s.span AS INTEGER) AS manager_span
    FROM (
        SELECT *,
               year(day) - year(hire_date)
               - CASE WHEN month(day) * 100 + day(day) < month(hire_date) * 100 + day(hire_date)
                      THEN 1 ELSE 0 END AS tenure_years
        FROM held
    ) AS h
    LEFT JOIN spans AS s USING (day, manager_id)
)

SELECT * FROM final
