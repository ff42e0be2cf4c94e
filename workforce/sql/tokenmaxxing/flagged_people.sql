-- The flagged people with their names, for the admins' review only.
-- Runs over `flags` (person_flags.sql) and the flagged people's `ratios` (person_ratios.sql).
SELECT f.employee_id, e.full_name AS person, f.org, f.team, f.job_family, f.active_weeks, f.far_above_weeks,
    r.median_token_ratio, r.median_agent_ratio, f.changes_per_week, f.peer_changes_per_week,
    f.cost_usd_in_those_weeks
FROM flags AS f
JOIN ratios AS r USING (employee_id)
JOIN stg_employees AS e USING (employee_id)
WHERE f.flagged
ORDER BY f.cost_usd_in_those_weeks DESC
