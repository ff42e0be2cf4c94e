-- A text question is answered by its comment.
-- table: survey_responses
-- column: comment
-- severity: error
-- rule: comment_for_text_question
-- message: text questions need a comment
SELECT r._row, r.question_id AS value
FROM survey_responses AS r
JOIN survey_questions AS q USING (wave_id, question_id)
WHERE q.kind = 'text' AND r.comment IS NULL
