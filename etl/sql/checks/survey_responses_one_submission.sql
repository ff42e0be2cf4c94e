-- A response_id is one person's submission in one wave, made at one moment: every row of it
-- must name the same employee, wave and submitted_at.
-- table: survey_responses
-- column: response_id
-- severity: error
-- rule: one_person_and_wave_per_response
-- message: the rows of one response_id must share employee_id, wave_id and submitted_at
WITH mixed AS (
    SELECT response_id
    FROM survey_responses
    WHERE response_id IS NOT NULL
    GROUP BY response_id
    HAVING count(DISTINCT employee_id) > 1 OR count(DISTINCT wave_id) > 1 OR count(DISTINCT submitted_at) > 1
)
SELECT r._row, r.response_id AS value
FROM survey_responses AS r
SEMI JOIN mixed USING (response_id)
