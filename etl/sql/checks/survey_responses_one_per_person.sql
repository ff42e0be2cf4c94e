-- One response per person and wave: a second response_id for the same person in a wave would
-- count them twice.
-- table: survey_responses
-- column: response_id
-- severity: error
-- rule: one_response_per_person_and_wave
-- message: the person already answered this wave under another response_id
WITH repeated AS (
    SELECT employee_id, wave_id
    FROM survey_responses
    WHERE employee_id IS NOT NULL AND wave_id IS NOT NULL AND response_id IS NOT NULL
    GROUP BY employee_id, wave_id
    HAVING count(DISTINCT response_id) > 1
)
SELECT r._row, r.wave_id || ': ' || r.response_id AS value
FROM survey_responses AS r
SEMI JOIN repeated USING (employee_id, wave_id)
