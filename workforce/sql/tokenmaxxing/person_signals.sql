-- Every person's signals: the rule (`flags`, person_flags.sql) beside their ratios (`ratios`,
-- person_ratios.sql), in the column order person_signals() has always returned.
SELECT f.employee_id, f.job_family, f.org, f.team, f.active_weeks, f.first_far_above_week,
    f.last_active_week, f.far_above_weeks, r.median_token_ratio, r.median_agent_ratio,
    f.changes_per_week, f.peer_changes_per_week, f.other_weeks, f.own_changes_other_weeks,
    r.own_token_rise, f.cost_usd_in_those_weeks, f.flagged
FROM flags AS f
LEFT JOIN ratios AS r USING (employee_id)
