-- One row per submission, with where the respondent sat on the day they answered: org, team,
-- level and tenure band, exactly. This view lives only in the loader's scratch database: when
-- the rows are written, the person is replaced by a per-wave pseudonym, the placement by its
-- generalised cell and the time by the day (write_survey_submissions.sql), so neither the
-- employee id nor the exact placement reaches the database file.
-- The checks guarantee one employee, wave and submitted_at per response_id, and that the
-- person was employed on the day (so an assignment is in effect). The placement on the day is
-- the relation `placed` over the answer days (etl/loading/sqlfiles.py RELATIONS).
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

final AS (
    SELECT
        r.response_id,
        r.wave_id,
        r.employee_id,
        r.submitted_at,
        p.org,
        p.team,
        p.level,
        CAST(p.tenure_band AS ENUM('<1y', '1-2y', '2-5y', '5y+')) AS tenure_band
    FROM responses AS r
    JOIN placed AS p ON p.employee_id = r.employee_id AND p.day = r.answered_on
)

SELECT * FROM final
