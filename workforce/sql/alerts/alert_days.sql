-- The days the cost alerts look at, in the metric's unit ($metric: cost_usd or total_tokens):
-- each person's day (person_day) and each team's day (team_day: an org and team pair, from the
-- team rows of mart_usage_day), with the key the day's baseline is taken over (the person, or
-- the org and team) and the noise floor below which the day never alerts ($person_min_value,
-- $team_min_value). Days from $window_days before $since on (every day when $since is NULL).
-- The rule is detect.sql. Only people who can have a day at or above the floor are read: usage
-- is never negative (the contract), so a day is at most its week, and a person whose every week
-- (one row in mart_usage_person_week) stays below the floor has no day above it. At company
-- scale that leaves some 5 thousand of 85 thousand people, instead of adding up 20 million rows
-- into 14 million person-days.
WITH people AS (
    SELECT employee_id
    FROM mart_usage_person_week
    GROUP BY employee_id
    HAVING max(CASE $metric WHEN 'total_tokens' THEN total_tokens::DOUBLE ELSE cost_usd END) >= $person_min_value
        -- a week split over two orgs or teams: its rows are parts of the week, so keep the person
        OR count(*) > count(DISTINCT week)
    UNION
    -- should a negative value ever slip in, the bound does not hold for that person
    SELECT employee_id FROM mart_usage_daily WHERE cost_usd < 0 OR total_tokens < 0
)
SELECT 'person_day' AS kind, employee_id, NULL::VARCHAR AS key_org, NULL::VARCHAR AS key_team, usage_date,
    any_value(org) AS org, any_value(team) AS team,
    CASE $metric WHEN 'total_tokens' THEN sum(total_tokens)::DOUBLE ELSE sum(cost_usd) END AS value,
    $person_min_value::DOUBLE AS min_value
FROM mart_usage_daily
SEMI JOIN people USING (employee_id)
WHERE $since::DATE IS NULL OR usage_date >= $since::DATE - to_days($window_days::INTEGER)
GROUP BY employee_id, usage_date
UNION ALL
SELECT 'team_day' AS kind, NULL::VARCHAR AS employee_id, org AS key_org, team AS key_team, usage_date,
    org, team,
    CASE $metric WHEN 'total_tokens' THEN sum(total_tokens)::DOUBLE ELSE sum(cost_usd) END AS value,
    $team_min_value::DOUBLE AS min_value
FROM mart_usage_day
WHERE NOT whole_org
  AND ($since::DATE IS NULL OR usage_date >= $since::DATE - to_days($window_days::INTEGER))
GROUP BY org, team, usage_date
