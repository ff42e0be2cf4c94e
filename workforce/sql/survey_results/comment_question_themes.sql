-- The theme of each free-text question of a wave, by its text (comments are listed by question text).
SELECT text, theme
FROM stg_survey_questions
WHERE wave_id = $wave_id AND kind = 'text'
