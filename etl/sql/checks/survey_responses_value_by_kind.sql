-- The value an answer needs depends on its question: likert5 an integer 1-5, enps an integer
-- 0-10. (Text questions take a comment; a value there is ignored.)
-- table: survey_responses
-- column: value
-- severity: error
-- rule: value_by_question_kind
-- message: likert5 answers need an integer value 1-5, enps answers an integer value 0-10
SELECT r._row, q.kind::VARCHAR || ' ' || coalesce(CAST(r.value AS VARCHAR), '(empty)') AS value
FROM survey_responses AS r
JOIN survey_questions AS q USING (wave_id, question_id)
WHERE (q.kind = 'likert5' AND (r.value IS NULL OR r.value <> round(r.value) OR r.value NOT BETWEEN 1 AND 5))
   OR (q.kind = 'enps' AND (r.value IS NULL OR r.value <> round(r.value) OR r.value NOT BETWEEN 0 AND 10))
