-- Comments of several groups of one wave ($wave_ids holds that wave): the groups of $by listed in
-- $groups (each cleared at the comment minimum), at most $limit per group, within the selection.
-- Reads `responses` (see workforce/survey_data.py). Groups come in the order of $groups; within
-- one, comments are ordered by a hash of the text, so the order says nothing about who wrote
-- first; no response id leaves here.
WITH chosen AS (
    SELECT
        wave_id,
        CASE $by
            WHEN 'org' THEN coalesce(org, '(unknown)')
            WHEN 'team' THEN coalesce(org, '(unknown)') || ' / ' || coalesce(team, '(unknown)')
            WHEN 'level' THEN coalesce(level, '(unknown)')
            WHEN 'tenure_band' THEN coalesce(CAST(tenure_band AS VARCHAR), '(unknown)')
            ELSE 'All'
        END AS grp,
        unnest(comments) AS c
    FROM responses
    WHERE list_contains($wave_ids::VARCHAR[], wave_id)
      AND comments IS NOT NULL
      AND ($orgs::VARCHAR[] IS NULL OR list_contains($orgs::VARCHAR[], coalesce(org, '(unknown)')))
      AND ($team_keys::VARCHAR[] IS NULL
           OR list_contains($team_keys::VARCHAR[], coalesce(org, '(unknown)') || chr(31) || coalesce(team, '(unknown)')))
      AND ($levels::VARCHAR[] IS NULL OR list_contains($levels::VARCHAR[], coalesce(level, '(unknown)')))
      AND ($tenure_bands::VARCHAR[] IS NULL
           OR list_contains($tenure_bands::VARCHAR[], coalesce(CAST(tenure_band AS VARCHAR), '(unknown)')))
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
