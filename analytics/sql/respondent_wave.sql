-- One row per respondent and wave with a morale index: the respondent-wave frame of the
-- morale regression. The person behind a pseudonym is found through _respondent_link, a temp
-- table that lives only for the analysis; no employee_id leaves this query.
WITH linked AS (
    SELECT
        s.response_id, s.wave_id, w.ref_date, w.wave_seq,
        s.org AS stored_org, s.team AS stored_team,
        s.level, s.tenure_band, l.employee_id, r.morale_index
    FROM stg_survey_submissions AS s
    JOIN _survey_waves AS w USING (wave_id)
    JOIN mart_survey_respondent_wave AS r USING (response_id)
    JOIN _respondent_link AS l ON l.respondent_key = s.respondent_key
    WHERE r.morale_index IS NOT NULL
),

-- covariates are measured on the reference date, so org, team and manager are those of the
-- assignment in effect that day (org and team as stored at submission when none was in effect,
-- e.g. someone hired after the wave opened; they then have no span and drop out)
submissions AS (
    SELECT
        s.* EXCLUDE (stored_org, stored_team),
        coalesce(a.org, s.stored_org) AS org,
        coalesce(a.team, s.stored_team) AS team,
        a.manager_id
    FROM linked AS s
    LEFT JOIN int_assignments AS a
        ON a.employee_id = s.employee_id
        AND a.valid_from <= s.ref_date
        AND (a.valid_to IS NULL OR a.valid_to > s.ref_date)
),

-- the spread of one person's morale answers within one wave measures the answer noise the
-- attrition model corrects for (regression calibration)
answer_spread AS (
    SELECT a.response_id, count(*) AS morale_k, var_samp(a.value) AS morale_answer_var
    FROM stg_survey_answers AS a
    JOIN stg_survey_submissions AS s USING (response_id)
    JOIN stg_survey_questions AS q ON q.wave_id = s.wave_id AND q.question_id = a.question_id
    WHERE q.theme = 'morale' AND q.kind = 'likert5' AND a.value IS NOT NULL
    GROUP BY a.response_id
),

-- first wave (by order) on whose reference date each unit was already under a mandate
unit_first_wave AS (
    SELECT u.org, u.team, u.first_mandate_date, min(w.wave_seq) AS first_treated_wave
    FROM _unit_first_mandate AS u
    LEFT JOIN _survey_waves AS w ON w.ref_date >= u.first_mandate_date
    GROUP BY u.org, u.team, u.first_mandate_date
),

span_at_wave AS (
    SELECT w.ref_date, a.manager_id, count(*) AS span
    FROM _survey_waves AS w
    JOIN int_assignments AS a
        ON a.valid_from <= w.ref_date
        AND (a.valid_to IS NULL OR a.valid_to > w.ref_date)
    WHERE a.manager_id IS NOT NULL
    GROUP BY w.ref_date, a.manager_id
),

forced_180d AS (
    SELECT DISTINCT s.response_id
    FROM submissions AS s
    JOIN stg_job_history AS j
        ON j.employee_id = s.employee_id
        AND j.forced
        AND j.effective_date > s.ref_date - 180
        AND j.effective_date <= s.ref_date
),

joined AS (
    SELECT
        s.response_id, s.wave_id, s.wave_seq, s.ref_date,
        s.org, s.team, s.org || ' / ' || s.team AS cluster,
        s.level, s.tenure_band, s.morale_index,
        coalesce(u.first_mandate_date <= s.ref_date, false) AS mandate_in_force,
        s.wave_seq - u.first_treated_wave AS event_time,
        sp.span,
        f.response_id IS NOT NULL AS forced_180d,
        t.mean_daily_tokens,
        t.token_log,
        sa.morale_k,
        sa.morale_answer_var
    FROM submissions AS s
    LEFT JOIN answer_spread AS sa ON sa.response_id = s.response_id
    LEFT JOIN unit_first_wave AS u ON u.org = s.org AND u.team = s.team
    LEFT JOIN span_at_wave AS sp ON sp.ref_date = s.ref_date AND sp.manager_id = s.manager_id
    LEFT JOIN forced_180d AS f ON f.response_id = s.response_id
    LEFT JOIN _token_intensity AS t ON t.ref_date = s.ref_date AND t.employee_id = s.employee_id
),

final AS (
    SELECT
        *,
        span / 10.0 AS span_per_10,
        (token_log - avg(token_log) OVER ()) / stddev_samp(token_log) OVER () AS token_z
    FROM joined
    WHERE span IS NOT NULL AND token_log IS NOT NULL
)

SELECT * FROM final ORDER BY wave_seq, response_id
