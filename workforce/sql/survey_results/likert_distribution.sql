-- How many respondents of one group gave each answer (1-5) to each likert5 question of a wave.
-- Called only for a group the confidentiality layer has cleared ($orgs NULL: the whole company).
SELECT q.question_id, q.text, q.theme, q.position, CAST(a.value AS INTEGER) AS answer, count(*) AS answers,
       sum(count(*)) OVER (PARTITION BY q.question_id) AS respondents
FROM stg_survey_submissions AS s
JOIN stg_survey_answers AS a ON a.response_id = s.response_id
JOIN stg_survey_questions AS q ON q.wave_id = s.wave_id AND q.question_id = a.question_id
WHERE s.wave_id = $wave_id AND q.kind = 'likert5' AND a.value IS NOT NULL
  AND ($orgs::VARCHAR[] IS NULL OR list_contains($orgs::VARCHAR[], s.org))
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams::VARCHAR[], s.team))
GROUP BY q.question_id, q.text, q.theme, q.position, CAST(a.value AS INTEGER)
