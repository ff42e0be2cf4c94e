-- Context of a team-day alert: how the same metric was spread over the org's teams that day.
WITH teams AS (
    SELECT team,
        CASE $metric WHEN 'total_tokens' THEN sum(total_tokens)::DOUBLE ELSE sum(cost_usd) END AS value
    FROM mart_usage_daily
    WHERE usage_date = $day AND org = $org
    GROUP BY team
)
SELECT count(*) AS teams,
    quantile_cont(value, 0.25) AS p25,
    median(value) AS median,
    quantile_cont(value, 0.75) AS p75,
    quantile_cont(value, 0.9) AS p90,
    count(*) FILTER (WHERE value < $value) AS below
FROM teams
