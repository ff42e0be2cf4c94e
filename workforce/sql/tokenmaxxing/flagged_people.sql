-- The flagged people with their names, for the admins' review only.
-- Runs over the rows of person_signals.sql, given to it as `signals`.
SELECT s.employee_id, e.full_name AS person, s.org, s.team, s.job_family, s.active_weeks, s.far_above_weeks,
    s.median_token_ratio, s.median_agent_ratio, s.changes_per_week, s.peer_changes_per_week,
    s.cost_usd_in_those_weeks
FROM signals AS s
JOIN stg_employees AS e USING (employee_id)
WHERE s.flagged
ORDER BY s.cost_usd_in_those_weeks DESC
