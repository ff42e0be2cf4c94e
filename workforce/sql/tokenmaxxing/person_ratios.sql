-- How far above their peers the people of `shown` were (a relation with an employee_id column):
-- the medians of their token and agent-time ratios in their far-above weeks, and of their own
-- tokens in those weeks against their other weeks. Runs over `scored` (scored_weeks.sql); medians
-- need each person's weeks sorted, so they are taken only for the people shown.
SELECT employee_id,
    median(token_ratio) FILTER (WHERE far_above) AS median_token_ratio,
    median(agent_ratio) FILTER (WHERE far_above) AS median_agent_ratio,
    median(tokens) FILTER (WHERE far_above) / nullif(median(tokens) FILTER (WHERE NOT far_above), 0)
        AS own_token_rise
FROM scored
SEMI JOIN shown USING (employee_id)
GROUP BY employee_id
