-- How each likert5 item of some waves ($wave_ids) goes with two outcomes across every respondent
-- of the company: Pearson's correlation of the item's answer with the respondent's morale index
-- and with their intent-to-stay score, each computed WITHOUT that item (the rest of the theme's
-- answers), so an item is not correlated with itself. NULL when the item is the theme's only one.
-- Reads mart_survey_responses; only one coefficient per item leaves, and only
-- when the company's cell is released (workforce.focus_areas checks it).
WITH answers AS (
    SELECT wave_id, response_id, unnest(likert) AS a
    FROM mart_survey_responses
    WHERE list_contains($wave_ids::VARCHAR[], wave_id)
      AND likert IS NOT NULL
),

themed AS (
    SELECT answers.wave_id, answers.response_id, answers.a.question_id AS question_id,
           CAST(answers.a.answer AS DOUBLE) AS answer, CAST(q.theme AS VARCHAR) AS theme
    FROM answers
    INNER JOIN stg_survey_questions AS q ON q.wave_id = answers.wave_id AND q.question_id = answers.a.question_id
    WHERE q.kind = 'likert5'
),

per_person AS (
    SELECT
        response_id,
        sum(answer) FILTER (WHERE theme = 'morale') AS morale_sum,
        count(*) FILTER (WHERE theme = 'morale') AS morale_n,
        sum(answer) FILTER (WHERE theme = 'intent_to_stay') AS stay_sum,
        count(*) FILTER (WHERE theme = 'intent_to_stay') AS stay_n
    FROM themed
    GROUP BY response_id
),

rest AS (
    SELECT
        t.wave_id,
        t.question_id,
        t.answer,
        (coalesce(p.morale_sum, 0) - CASE WHEN t.theme = 'morale' THEN t.answer ELSE 0 END)
            / nullif(p.morale_n - CASE WHEN t.theme = 'morale' THEN 1 ELSE 0 END, 0) AS morale_rest,
        (coalesce(p.stay_sum, 0) - CASE WHEN t.theme = 'intent_to_stay' THEN t.answer ELSE 0 END)
            / nullif(p.stay_n - CASE WHEN t.theme = 'intent_to_stay' THEN 1 ELSE 0 END, 0) AS stay_rest
    FROM themed AS t
    INNER JOIN per_person AS p USING (response_id)
)

SELECT
    wave_id,
    question_id,
    corr(answer, morale_rest) AS morale_index,
    count(morale_rest) AS n_morale_index,
    corr(answer, stay_rest) AS intent_to_stay,
    count(stay_rest) AS n_intent_to_stay
FROM rest
GROUP BY wave_id, question_id
ORDER BY wave_id, question_id
