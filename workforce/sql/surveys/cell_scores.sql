-- Figures of the groups of one wave, one row per value of $by ('org', 'team', 'level',
-- 'tenure_band'; anything else: one 'All' row), within the selection ($x NULL: no narrowing).
-- Called only after the confidentiality layer cleared the groups; each measure carries the
-- number of respondents it rests on (n_*), so the caller can hide one answered by too few.
WITH respondents AS (
    SELECT
        response_id,
        CASE $by
            WHEN 'org' THEN coalesce(org, '(unknown)')
            WHEN 'team' THEN coalesce(org, '(unknown)') || ' / ' || coalesce(team, '(unknown)')
            WHEN 'level' THEN coalesce(level, '(unknown)')
            WHEN 'tenure_band' THEN coalesce(CAST(tenure_band AS VARCHAR), '(unknown)')
            ELSE 'All'
        END AS grp
    FROM stg_survey_submissions
    WHERE wave_id = $wave_id
      AND ($orgs::VARCHAR[] IS NULL OR list_contains($orgs::VARCHAR[], coalesce(org, '(unknown)')))
      AND ($team_keys::VARCHAR[] IS NULL
           OR list_contains($team_keys::VARCHAR[], coalesce(org, '(unknown)') || chr(31) || coalesce(team, '(unknown)')))
      AND ($levels::VARCHAR[] IS NULL OR list_contains($levels::VARCHAR[], coalesce(level, '(unknown)')))
      AND ($tenure_bands::VARCHAR[] IS NULL
           OR list_contains($tenure_bands::VARCHAR[], coalesce(CAST(tenure_band AS VARCHAR), '(unknown)')))
),

answers AS (
    SELECT r.grp, a.response_id, CAST(q.kind AS VARCHAR) AS kind, CAST(q.theme AS VARCHAR) AS theme, a.value
    FROM stg_survey_answers AS a
    INNER JOIN respondents AS r USING (response_id)
    INNER JOIN stg_survey_questions AS q ON q.wave_id = $wave_id AND q.question_id = a.question_id
    WHERE a.value IS NOT NULL AND q.kind IN ('likert5', 'enps')
),

-- the morale index and theme scores are means of each respondent's own theme mean
theme_means AS (
    SELECT grp, response_id, theme, avg(value) AS theme_mean
    FROM answers
    WHERE kind = 'likert5'
    GROUP BY ALL
),

themes AS (
    SELECT
        grp,
        avg(theme_mean) FILTER (WHERE theme = 'morale') AS score_morale,
        avg(theme_mean) FILTER (WHERE theme = 'manager') AS score_manager,
        avg(theme_mean) FILTER (WHERE theme = 'ai_tools') AS score_ai_tools,
        avg(theme_mean) FILTER (WHERE theme = 'workload') AS score_workload,
        avg(theme_mean) FILTER (WHERE theme = 'career') AS score_career,
        avg(theme_mean) FILTER (WHERE theme = 'intent_to_stay') AS score_intent_to_stay,
        count(*) FILTER (WHERE theme = 'morale') AS n_score_morale,
        count(*) FILTER (WHERE theme = 'manager') AS n_score_manager,
        count(*) FILTER (WHERE theme = 'ai_tools') AS n_score_ai_tools,
        count(*) FILTER (WHERE theme = 'workload') AS n_score_workload,
        count(*) FILTER (WHERE theme = 'career') AS n_score_career,
        count(*) FILTER (WHERE theme = 'intent_to_stay') AS n_score_intent_to_stay
    FROM theme_means
    GROUP BY grp
),

-- one eNPS answer per respondent (the mean if a wave asked it twice)
enps AS (
    SELECT grp, response_id, avg(value) AS value
    FROM answers
    WHERE kind = 'enps'
    GROUP BY ALL
),

enps_by_group AS (
    SELECT
        grp,
        100.0 * (count(*) FILTER (WHERE value >= 9) - count(*) FILTER (WHERE value <= 6)) / count(*) AS enps,
        count(*) AS n_enps
    FROM enps
    GROUP BY grp
),

counts AS (
    SELECT grp, count(*) AS respondents
    FROM respondents
    GROUP BY grp
)

SELECT
    c.grp AS "group",
    c.respondents,
    t.score_morale AS morale_index,
    e.enps,
    t.score_morale, t.score_manager, t.score_ai_tools, t.score_workload, t.score_career, t.score_intent_to_stay,
    coalesce(t.n_score_morale, 0) AS n_morale_index,
    coalesce(e.n_enps, 0) AS n_enps,
    coalesce(t.n_score_morale, 0) AS n_score_morale,
    coalesce(t.n_score_manager, 0) AS n_score_manager,
    coalesce(t.n_score_ai_tools, 0) AS n_score_ai_tools,
    coalesce(t.n_score_workload, 0) AS n_score_workload,
    coalesce(t.n_score_career, 0) AS n_score_career,
    coalesce(t.n_score_intent_to_stay, 0) AS n_score_intent_to_stay
FROM counts AS c
LEFT JOIN themes AS t USING (grp)
LEFT JOIN enps_by_group AS e USING (grp)
ORDER BY c.grp
