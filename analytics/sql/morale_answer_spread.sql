-- How much a person's morale answers in one wave disagree with each other, once each question's
-- own level is taken out: the basis of the morale index's reliability (analytics.attrition).
-- One row per response with at least one likert5 answer to a morale-theme question:
--   k               number of such answers (the index is their mean)
--   centred_ss      sum of squared deviations of the item-centred answers from their mean
--                   (an answer minus the mean of that question in that wave: questions differ in
--                   difficulty, and without centring that difference would count as noise)
--   same_index      responses of the wave with this k and this index
--   same_index_values  the most distinct values any one question got among them: 1 everywhere
--                   means the answers are a function of the index (an exact index: there is no
--                   answer noise to correct)
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
        coalesce(var_samp(centred) * (count(*) - 1), 0) AS centred_ss
    FROM centred
    GROUP BY wave_id, response_id
),

-- per wave, k and index: how many responses, and how many distinct values each question got
question_values AS (
    SELECT r.wave_id, r.k, r.morale_index, a.question_id, count(DISTINCT a.value) AS distinct_values
    FROM answers AS a
    JOIN per_response AS r USING (wave_id, response_id)
    GROUP BY r.wave_id, r.k, r.morale_index, a.question_id
),

same_index AS (
    SELECT wave_id, k, morale_index, count(*) AS same_index
    FROM per_response
    GROUP BY wave_id, k, morale_index
),

final AS (
    SELECT r.wave_id, r.response_id, r.k, r.morale_index, r.centred_ss, g.same_index,
           v.same_index_values
    FROM per_response AS r
    JOIN same_index AS g USING (wave_id, k, morale_index)
    JOIN (
        SELECT wave_id, k, morale_index, max(distinct_values) AS same_index_values
        FROM question_values
        GROUP BY wave_id, k, morale_index
    ) AS v USING (wave_id, k, morale_index)
)

-- ordered so that the bootstrap's resampling by position gives the same answer on every run
SELECT wave_id, k, morale_index, centred_ss, same_index, same_index_values
FROM final
ORDER BY wave_id, response_id
