-- Questions of each wave; position is the order in which the file lists them within the wave.
SELECT
    wave_id,
    question_id,
    text,
    CAST(kind AS ENUM('likert5', 'enps', 'text')) AS kind,
    CAST(theme AS ENUM('morale', 'manager', 'ai_tools', 'workload', 'career', 'intent_to_stay')) AS theme,
    CAST(row_number() OVER (PARTITION BY wave_id ORDER BY _row) AS INTEGER) AS position
FROM survey_questions
