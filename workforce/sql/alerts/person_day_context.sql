-- Team-level context of a person-day alert: how the same metric was spread over the people of
-- the team that day (a distribution, no names), and how many of them were below the alerted value.
WITH people AS (
    SELECT employee_id,
        CASE $metric WHEN 'total_tokens' THEN sum(total_tokens)::DOUBLE ELSE sum(cost_usd) END AS value
    FROM mart_usage_daily
    WHERE usage_date = $day AND org = $org AND team = $team
    GROUP BY employee_id
)
SELECT count(*) AS people,
    quantile_cont(value, 0.25) AS p25,
    median(value) AS median,
    quantile_cont(value, 0.75) AS p75,
    quantile_cont(value, 0.9) AS p90,
    count(*) FILTER (WHERE value < $value) AS below
FROM people
