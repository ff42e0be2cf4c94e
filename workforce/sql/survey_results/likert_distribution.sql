-- How many respondents of one group gave each answer (1-5) to each likert5 question of a wave
-- ($wave_ids holds that wave). Reads mart_survey_responses. Called only for a
-- group the confidentiality layer has cleared ($orgs NULL: the whole company).
WITH chosen AS (
    SELECT wave_id, unnest(likert) AS a
    FROM mart_survey_responses
    WHERE list_contains($wave_ids::VARCHAR[], wave_id)
      AND likert IS NOT NULL
      AND ($orgs::VARCHAR[] IS NULL OR list_contains($orgs::VARCHAR[], org))
      AND ($teams::VARCHAR[] IS NULL OR list_contains($teams::VARCHAR[], team))
)

SELECT q.question_id, q.text, q.theme, q.position, chosen.a.answer AS answer, count(*) AS answers,
       sum(count(*)) OVER (PARTITION BY q.question_id) AS respondents
FROM chosen
INNER JOIN stg_survey_questions AS q ON q.wave_id = chosen.wave_id AND q.question_id = chosen.a.question_id
WHERE q.kind = 'likert5'
GROUP BY q.question_id, q.text, q.theme, q.position, chosen.a.answer
