-- An answer answers a question of its own wave.
-- table: survey_responses
-- column: question_id
-- severity: error
-- rule: references(survey_questions)
-- message: must be a question_id of survey_questions for the row's wave_id
SELECT r._row, r.wave_id || ' / ' || r.question_id AS value
FROM survey_responses AS r
ANTI JOIN survey_questions AS q USING (wave_id, question_id)
WHERE r.wave_id IS NOT NULL AND r.question_id IS NOT NULL
  AND r.wave_id IN (SELECT wave_id FROM survey_waves)
