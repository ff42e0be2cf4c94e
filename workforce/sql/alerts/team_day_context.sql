-- Context of a team-day alert: the same metric of each of the org's teams that day, one row per
-- team (context_spread.sql gives the spread).
SELECT team,
    CASE $metric WHEN 'total_tokens' THEN sum(total_tokens)::DOUBLE ELSE sum(cost_usd) END AS value
FROM mart_usage_day
WHERE NOT whole_org AND usage_date = $day AND org = $org
GROUP BY team
