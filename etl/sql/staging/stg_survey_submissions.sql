-- One row per submission, with where the respondent sat on the day they answered: org, team,
-- level and tenure band, exactly. This view lives only in the loader's scratch database: when
-- the rows are written, the person is replaced by a per-wave pseudonym, the placement by its
-- generalised cell and the time by the day (write_survey_submissions.sql), so neither the
-- employee id nor the exact placement reaches the database file.
-- The checks guarantee one employee, wave and submitted_at per response_id, and that the
-- person was employed on the day (so an assignment is in effect).
WITH responses AS (
    SELECT
        response_id,
        any_value(wave_id) AS wave_id,
        any_value(employee_id) AS employee_id,
        min(submitted_at) AS submitted_at,
        CAST(min(submitted_at) AS DATE) AS answered_on
    FROM survey_responses
    GROUP BY response_id
),

placed AS (
    SELECT r.*, a.org, a.team, a.level, e.hire_date
    FROM responses AS r
    ASOF JOIN job_history AS a
        ON a.employee_id = r.employee_id AND r.answered_on >= a.effective_date
    JOIN employees AS e ON e.employee_id = r.employee_id
),

final AS (
    SELECT
        p.response_id,
        p.wave_id,
        p.employee_id,
        p.submitted_at,
        p.org,
        p.team,
        p.level,
        -- completed years of service on the day (an anniversary starts the next band), as
        -- etl.contract.tenure_band computes it
        CAST(CASE
            WHEN tenure_years < 1 THEN '<1y'
            WHEN tenure_years < 2 THEN '1-2y'
            WHEN tenure_years < 5 THEN '2-5y'
            ELSE '5y+'
        END AS ENUM('<1y', '1-2y', '2-5y', '5y+')) AS tenure_band
    FROM (
        SELECT *,
               year(answered_on) - year(hire_date)
               - CASE WHEN month(answered_on) * 100 + day(answered_on) < month(hire_date) * 100 + day(hire_date)
                      THEN 1 ELSE 0 END AS tenure_years
        FROM placed
    ) AS p
)

SELECT * FROM final
