-- Team-level context of a person-day alert: the same metric of each person of the team that
-- day, one row per person (context_spread.sql gives the spread, no names).
SELECT employee_id,
    CASE $metric WHEN 'total_tokens' THEN sum(total_tokens)::DOUBLE ELSE sum(cost_usd) END AS value
FROM mart_usage_daily
WHERE usage_date = $day AND org = $org AND team = $team
GROUP BY employee_id
