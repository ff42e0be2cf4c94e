-- Comments of one group of one wave (`selected`: selected_responses.sql with $wave_ids holding
-- that wave), for a group cleared at the comment minimum. Ordered by a hash of the text so the
-- order says nothing about who wrote first; no response id leaves here.
WITH chosen AS (
    SELECT wave_id, unnest(comments) AS c
    FROM selected
    WHERE comments IS NOT NULL
)

SELECT q.text AS question, chosen.c.comment AS comment
FROM chosen
INNER JOIN stg_survey_questions AS q ON q.wave_id = chosen.wave_id AND q.question_id = chosen.c.question_id
ORDER BY md5(chosen.c.comment), q.question_id
LIMIT $limit
