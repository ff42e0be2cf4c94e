-- Comments of one group of one wave ($wave_ids holds that wave), for a group cleared at the
-- comment minimum. Reads mart_survey_responses. Ordered by a hash of the text
-- so the order says nothing about who wrote first; no response id leaves here.
WITH chosen AS (
    SELECT wave_id, unnest(comments) AS c
    FROM mart_survey_responses
    WHERE list_contains($wave_ids::VARCHAR[], wave_id)
      AND comments IS NOT NULL
      AND ($orgs::VARCHAR[] IS NULL OR list_contains($orgs::VARCHAR[], org))
      AND ($team_keys::VARCHAR[] IS NULL
           OR list_contains($team_keys::VARCHAR[], org || chr(31) || team))
      AND ($levels::VARCHAR[] IS NULL OR list_contains($levels::VARCHAR[], level))
      AND ($tenure_bands::VARCHAR[] IS NULL
           OR list_contains($tenure_bands::VARCHAR[], CAST(tenure_band AS VARCHAR)))
)

SELECT q.text AS question, chosen.c.comment AS comment
FROM chosen
INNER JOIN stg_survey_questions AS q ON q.wave_id = chosen.wave_id AND q.question_id = chosen.c.question_id
ORDER BY md5(chosen.c.comment), q.question_id
LIMIT $limit
