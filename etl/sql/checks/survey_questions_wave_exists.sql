-- A question belongs to a wave.
-- table: survey_questions
-- column: wave_id
-- severity: error
-- rule: references(survey_waves)
-- message: must be a wave_id of survey_waves
SELECT q._row, q.wave_id AS value
FROM survey_questions AS q
ANTI JOIN survey_waves AS w USING (wave_id)
WHERE q.wave_id IS NOT NULL
