-- One row per answer, keyed by (response_id, question_id): no person in sight.
SELECT response_id, question_id, value, comment
FROM survey_responses
