-- The person-period frame of the survival analysis: one row per person employed on the first
-- day of a month, followed until the first day of the next month, their exit, or the end of
-- the data ($end_date, exclusive: the day after the HR as-of date), whichever comes first.
-- The event is a voluntary exit in that interval; every other exit censors. Covariates are
-- fixed at the start of the month:
--   morale_latest   the morale index of the person's latest survey answer before the month,
--                   when it is at most $max_morale_age days old (older answers are not carried)
--   morale_age_days how old that answer is on the first of the month
--   forced_so_far   a forced transfer in the data window, effective on or before the first of the month
--   span_per_10     their manager's span of control on the first of the month / 10
--   token_log       token intensity over the 90 days before the first of the month
-- No employee_id leaves this query (the latest morale is linked through the pseudonym).
WITH months AS (
    SELECT
        em.month, em.employee_id, em.org, em.team, em.level, em.tenure_band,
        em.manager_span, em.exit_date, em.exit_type,
        least(em.month + INTERVAL 1 MONTH, coalesce(em.exit_date, $end_date), $end_date)::DATE AS stop_date
    FROM mart_employee_month AS em
    WHERE em.month < $end_date
),

responses AS (
    SELECT l.employee_id, s.submitted_at::DATE AS answered_on, r.morale_index
    FROM stg_survey_submissions AS s
    JOIN mart_survey_respondent_wave AS r USING (response_id)
    JOIN _respondent_link AS l ON l.respondent_key = s.respondent_key
    WHERE r.morale_index IS NOT NULL
),

-- a person answers once per wave, so this picks one answer per person and month; an answer
-- older than $max_morale_age days says too little about the person's morale that month and
-- is not carried forward (the month then has no morale, like the months before a first answer)
latest_morale AS (
    SELECT
        m.employee_id, m.month,
        datediff('day', r.answered_on, m.month) AS morale_age_days,
        r.morale_index
    FROM months AS m
    ASOF JOIN responses AS r
        ON r.employee_id = m.employee_id
        AND m.month > r.answered_on
),

first_forced AS (
    SELECT employee_id, min(effective_date) AS first_forced_date
    FROM stg_job_history
    WHERE forced AND effective_date >= $start_date
    GROUP BY employee_id
),

joined AS (
    SELECT
        m.month, m.employee_id,
        m.org, m.team, m.org || ' / ' || m.team AS cluster, m.level, m.tenure_band,
        datediff('day', m.month, m.stop_date) AS duration_days,
        datediff('day', $start_date, m.month) AS start_day,
        coalesce(m.exit_type = 'voluntary' AND m.exit_date = m.stop_date, false) AS voluntary_exit,
        CASE WHEN lm.morale_age_days <= $max_morale_age THEN lm.morale_index END AS morale_latest,
        CASE WHEN lm.morale_age_days <= $max_morale_age THEN lm.morale_age_days END AS morale_age_days,
        coalesce(ff.first_forced_date <= m.month, false) AS forced_so_far,
        m.manager_span,
        coalesce(um.first_mandate_date <= m.month, false) AS mandate_in_force,
        t.token_log
    FROM months AS m
    LEFT JOIN latest_morale AS lm USING (employee_id, month)
    LEFT JOIN first_forced AS ff USING (employee_id)
    LEFT JOIN _unit_first_mandate AS um ON um.org = m.org AND um.team = m.team
    LEFT JOIN _token_intensity AS t ON t.ref_date = m.month AND t.employee_id = m.employee_id
    WHERE m.stop_date > m.month
),

final AS (
    SELECT
        *,
        start_day + duration_days AS stop_day,
        manager_span / 10.0 AS span_per_10,
        (token_log - avg(token_log) OVER ()) / stddev_samp(token_log) OVER () AS token_z
    FROM joined
)

-- the person breaks ties, so the row order (and the proportional-hazards test's sample of
-- rows, drawn by position) is the same on every run; the id itself does not leave the query
SELECT * EXCLUDE (employee_id) FROM final ORDER BY month, cluster, duration_days, employee_id
