-- How much a person's morale answers in one wave disagree with each other, once each question's
-- own level is taken out: the basis of the morale index's reliability (analytics.attrition).
-- One row per response with at least one likert5 answer to a morale-theme question:
--   k               number of such answers (the index is their mean)
--   centred_ss      sum of squared deviations of the item-centred answers from their mean
--                   (an answer minus the mean of that question in that wave: questions differ in
--                   difficulty, and without centring that difference would count as noise)
--   same_index      responses of the wave with this k and this index
--   same_index_patterns  distinct answer patterns among them: 1 everywhere means the answers
--                   are a function of the index (an exact index: there is no noise to correct)
-- No respondent key and no employee id: nothing here says whose answers these are.
WITH answers AS (
    SELECT s.wave_id, a.response_id, a.question_id, a.value
    FROM stg_survey_answers AS a
    JOIN stg_survey_submissions AS s USING (response_id)
    JOIN stg_survey_questions AS q ON q.wave_id = s.wave_id AND q.question_id = a.question_id
    WHERE q.kind = 'likert5' AND q.theme = 'morale' AND a.value IS NOT NULL
),

centred AS (
    SELECT *, value - avg(value) OVER (PARTITION BY wave_id, question_id) AS centred
    FROM answers
),

per_response AS (
    SELECT
        wave_id, response_id,
        count(*) AS k,
        avg(value) AS morale_index,
        coalesce(var_samp(centred) * (count(*) - 1), 0) AS centred_ss,
        string_agg(question_id || '=' || value::VARCHAR, ';' ORDER BY question_id) AS pattern
    FROM centred
    GROUP BY wave_id, response_id
),

final AS (
    SELECT
        wave_id, k, morale_index, centred_ss,
        count(*) OVER (PARTITION BY wave_id, k, morale_index) AS same_index,
        count(DISTINCT pattern) OVER (PARTITION BY wave_id, k, morale_index) AS same_index_patterns,
        response_id
    FROM per_response
)

-- ordered so that the bootstrap's resampling by position gives the same answer on every run
SELECT wave_id, k, morale_index, centred_ss, same_index, same_index_patterns
FROM final
ORDER BY wave_id, response_id
