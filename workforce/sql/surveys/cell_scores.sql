-- Figures of the groups of some waves, one row per wave and group of `selected`
-- (selected_responses.sql: the rows of mart_survey_responses in the selection, labelled by
-- group). Called only after the confidentiality layer cleared the groups; each measure carries
-- the number of respondents it rests on (n_*), so the caller can hide one answered by too few.
-- Theme scores and the morale index are means of each respondent's own theme mean; eNPS counts
-- each respondent's answer once.
SELECT
    wave_id,
    grp AS "group",
    count(*) AS respondents,
    avg(score_morale) AS morale_index,
    100.0 * (count(*) FILTER (WHERE enps >= 9) - count(*) FILTER (WHERE enps <= 6)) / nullif(count(enps), 0) AS enps,
    avg(score_morale) AS score_morale,
    avg(score_manager) AS score_manager,
    avg(score_ai_tools) AS score_ai_tools,
    avg(score_workload) AS score_workload,
    avg(score_career) AS score_career,
    avg(score_intent_to_stay) AS score_intent_to_stay,
    count(score_morale) AS n_morale_index,
    count(enps) AS n_enps,
    count(score_morale) AS n_score_morale,
    count(score_manager) AS n_score_manager,
    count(score_ai_tools) AS n_score_ai_tools,
    count(score_workload) AS n_score_workload,
    count(score_career) AS n_score_career,
    count(score_intent_to_stay) AS n_score_intent_to_stay
FROM selected
GROUP BY wave_id, grp
ORDER BY wave_id, grp
