-- Active people per day, org and team: the people behind a day's usage figure. The usage page
-- releases a figure to non-admin roles only when enough people stand behind it
-- (workforce.usage.MIN_ACTIVE_PEOPLE, docs/usage.md). A person belongs to one org and team on a
-- day, so a day's team rows add up to the org's active people that day. Built after
-- mart_usage_daily.
SELECT
    usage_date,
    org,
    team,
    count(DISTINCT employee_id) AS people
FROM mart_usage_daily
GROUP BY ALL
ORDER BY usage_date, org, team
