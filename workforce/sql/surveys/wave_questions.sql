-- The questions of one wave in the order they are asked.
SELECT question_id, text, CAST(kind AS VARCHAR) AS kind, CAST(theme AS VARCHAR) AS theme, position
FROM stg_survey_questions
WHERE wave_id = $wave_id
ORDER BY position NULLS LAST, question_id
