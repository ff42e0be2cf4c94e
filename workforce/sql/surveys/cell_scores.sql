-- Figures of the groups of some waves ($wave_ids), one row per wave and value of $by ('org',
-- 'team', 'level', 'tenure_band'; anything else: one 'All' row), within the selection ($x NULL:
-- no narrowing; a withheld (NULL) coordinate matches no value). Reads mart_survey_responses (one
-- row per submission; the loader builds it and every in-app submission adds its row). Called
-- only after the confidentiality layer cleared the groups; each measure carries the number of
-- respondents it rests on (n_*), so the caller can hide one answered by too few. Theme scores
-- and the morale index are means of each respondent's own theme mean; eNPS counts each
-- respondent's answer once.
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
        score_morale, score_manager, score_ai_tools, score_workload, score_career, score_intent_to_stay, enps
    FROM mart_survey_responses
    WHERE list_contains($wave_ids::VARCHAR[], wave_id)
      AND ($orgs::VARCHAR[] IS NULL OR list_contains($orgs::VARCHAR[], org))
      AND ($team_keys::VARCHAR[] IS NULL
           OR list_contains($team_keys::VARCHAR[], org || chr(31) || team))
      AND ($levels::VARCHAR[] IS NULL OR list_contains($levels::VARCHAR[], level))
      AND ($tenure_bands::VARCHAR[] IS NULL
           OR list_contains($tenure_bands::VARCHAR[], CAST(tenure_band AS VARCHAR)))
)

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
FROM chosen
GROUP BY wave_id, grp
ORDER BY wave_id, grp
