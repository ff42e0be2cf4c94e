-- Comments of several groups of one wave (`selected`: selected_responses.sql with $wave_ids
-- holding that wave, labelled by the groups of $by): the groups listed in $groups (each cleared at
-- the comment minimum), at most $limit per group. Groups come in the order of $groups; within
-- one, comments are ordered by a hash of the text, so the order says nothing about who wrote
-- first; no response id leaves here.
WITH chosen AS (
    SELECT wave_id, grp, unnest(comments) AS c
    FROM selected
    WHERE comments IS NOT NULL
),

ranked AS (
    SELECT
        chosen.grp,
        q.text AS question,
        chosen.c.comment AS comment,
        row_number() OVER (PARTITION BY chosen.grp ORDER BY md5(chosen.c.comment), q.question_id) AS place
    FROM chosen
    INNER JOIN stg_survey_questions AS q ON q.wave_id = chosen.wave_id AND q.question_id = chosen.c.question_id
    WHERE list_contains($groups::VARCHAR[], chosen.grp)
)

SELECT grp AS "group", question, comment
FROM ranked
WHERE place <= $limit
ORDER BY list_position($groups::VARCHAR[], grp), place
