-- An answer belongs to a wave.
-- table: survey_responses
-- column: wave_id
-- severity: error
-- rule: references(survey_waves)
-- message: must be a wave_id of survey_waves
SELECT r._row, r.wave_id AS value
FROM survey_responses AS r
ANTI JOIN survey_waves AS w USING (wave_id)
WHERE r.wave_id IS NOT NULL
