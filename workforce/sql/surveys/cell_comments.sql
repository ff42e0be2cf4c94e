-- Comments of one group of one wave ($wave_ids holds that wave), for a group cleared at the
-- comment minimum. Reads `responses` (see workforce/survey_data.py). Ordered by a hash of the text
-- so the order says nothing about who wrote first; no response id leaves here.
WITH chosen AS (
    SELECT wave_id, unnest(comments) AS c
    FROM responses
    WHERE list_contains($wave_ids::VARCHAR[], wave_id)
      AND comments IS NOT NULL
      AND ($orgs::VARCHAR[] IS NULL OR list_contains($orgs::VARCHAR[], coalesce(org, '(unknown)')))
      AND ($team_keys::VARCHAR[] IS NULL
           OR list_contains($team_keys::VARCHAR[], coalesce(org, '(unknown)') || chr(31) || coalesce(team, '(unknown)')))
      AND ($levels::VARCHAR[] IS NULL OR list_contains($levels::VARCHAR[], coalesce(level, '(unknown)')))
      AND ($tenure_bands::VARCHAR[] IS NULL
           OR list_contains($tenure_bands::VARCHAR[], coalesce(CAST(tenure_band AS VARCHAR), '(unknown)')))
)

SELECT q.text AS question, chosen.c.comment AS comment
FROM chosen
INNER JOIN stg_survey_questions AS q ON q.wave_id = chosen.wave_id AND q.question_id = chosen.c.question_id
ORDER BY md5(chosen.c.comment), q.question_id
LIMIT $limit
