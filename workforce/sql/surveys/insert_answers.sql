-- A submission's answers in one statement (one row per answered question).
INSERT INTO stg_survey_answers (response_id, question_id, value, comment)
SELECT $response_id, unnest($question_ids::VARCHAR[]), unnest($values::DOUBLE[]), unnest($comments::VARCHAR[])
