-- The file's answers (_incoming). Rows go in by a hash of their response, not in the file's
-- order: a survey tool's export lists people in employee-id order, and a table's physical row
-- order must not carry that into the database.
INSERT INTO stg_survey_answers BY NAME
SELECT i.response_id, i.question_id, i.value, i.comment
FROM _incoming AS i
ORDER BY hash(i.response_id), i.question_id
