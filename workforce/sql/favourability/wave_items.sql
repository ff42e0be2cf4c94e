-- The likert5 items of some waves ($wave_ids), in the order asked.
SELECT wave_id, question_id, text, CAST(theme AS VARCHAR) AS theme, position
FROM stg_survey_questions
WHERE list_contains($wave_ids::VARCHAR[], wave_id)
  AND kind = 'likert5'
ORDER BY wave_id, position, question_id
