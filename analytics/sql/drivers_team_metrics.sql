-- One row per team over the whole data window: the team explorer's figures but adoption
-- (drivers_team_adoption.sql), written at load (analytics.stored) and read per view for the
-- viewer's orgs (drivers_teams_in_scope.sql). Rates are per person-month (everyone employed on
-- the first of a month counts for that month in the team they were in that day).
--   spend_per_head     AI spend (USD) per person-month
--   span               mean span of control of the team's members' managers
--   forced_share       share of person-months after a forced transfer
--   attrition          voluntary exits per person-year (x12 of the monthly rate)
-- No survey figure is stored here: a copy of the database must not hold the morale of a team
-- the confidentiality layer hides. Each view adds the teams' morale and eNPS as that layer
-- releases them (workforce.privacy.pooled_team_figures, via analytics.stored.team_metrics).
WITH first_forced AS (
    SELECT employee_id, min(effective_date) AS first_forced_date
    FROM stg_job_history
    WHERE forced
    GROUP BY employee_id
),

people AS (
    SELECT
        pm.org, pm.team,
        count(*) AS person_months,
        count(DISTINCT pm.employee_id) AS people,
        avg(pm.manager_span) AS span,
        avg(CASE WHEN ff.first_forced_date <= pm.month THEN 1.0 ELSE 0.0 END) AS forced_share,
        12.0 * sum(CASE WHEN pm.exit_type = 'voluntary'
                         AND pm.exit_date < pm.month + INTERVAL 1 MONTH THEN 1 ELSE 0 END) / count(*) AS attrition
    FROM mart_employee_month AS pm
    LEFT JOIN first_forced AS ff ON ff.employee_id = pm.employee_id
    GROUP BY pm.org, pm.team
),

-- spend counts against the team the usage was attributed to on the day (mart_usage_daily)
spend AS (
    SELECT org, team, sum(cost_usd) AS cost_usd
    FROM mart_usage_daily
    GROUP BY org, team
),

final AS (
    SELECT
        p.org, p.team, p.people, p.person_months,
        coalesce(sp.cost_usd, 0) / p.person_months AS spend_per_head,
        p.span, p.forced_share, p.attrition
    FROM people AS p
    LEFT JOIN spend AS sp USING (org, team)
)

SELECT * FROM final ORDER BY org, team
