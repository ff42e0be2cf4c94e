-- A wave's questions from the bank, in the order given (position 0, 1, ...): one statement for all.
INSERT INTO stg_survey_questions (wave_id, question_id, text, kind, theme, position)
SELECT $wave_id, unnest($question_ids::VARCHAR[]), unnest($texts::VARCHAR[]), unnest($kinds::VARCHAR[]),
       unnest($themes::VARCHAR[]), unnest(range(len($question_ids::VARCHAR[])))
