-- Comments of several groups of one wave ($wave_ids holds that wave): the groups of $by listed in
-- $groups (each cleared at the comment minimum), at most $limit per group, within the selection.
-- Reads mart_survey_responses. Groups come in the order of $groups; within
-- one, comments are ordered by a hash of the text, so the order says nothing about who wrote
-- first; no response id leaves here.
WITH chosen AS (
    SELECT
        wave_id,
        CASE $by
            WHEN 'org' THEN org
            WHEN 'team' THEN org || ' / ' || team
            WHEN 'level' THEN level
            WHEN 'tenure_band' THEN CAST(tenure_band AS VARCHAR)
            ELSE 'All'
        END AS grp,
        unnest(comments) AS c
    FROM mart_survey_responses
    WHERE list_contains($wave_ids::VARCHAR[], wave_id)
      AND comments IS NOT NULL
      AND ($orgs::VARCHAR[] IS NULL OR list_contains($orgs::VARCHAR[], org))
      AND ($team_keys::VARCHAR[] IS NULL
           OR list_contains($team_keys::VARCHAR[], org || chr(31) || team))
      AND ($levels::VARCHAR[] IS NULL OR list_contains($levels::VARCHAR[], level))
      AND ($tenure_bands::VARCHAR[] IS NULL
           OR list_contains($tenure_bands::VARCHAR[], CAST(tenure_band AS VARCHAR)))
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
