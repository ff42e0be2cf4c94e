-- Active AI users per ISO week: people with at least one usage row in the week, counted once
-- per org (whole_org) and once per org and team. A person who moved team mid-week counts in
-- both teams but once in the org, so team rows do not add up to the org row: whole-org
-- adoption reads the org rows, a mandate on one team reads that team's row, and a team
-- filter over several teams counts people from mart_usage_person_week instead.
-- Built after mart_usage_person_week.
SELECT
    week,
    org,
    team,
    grouping(team) = 1 AS whole_org,
    count(DISTINCT employee_id) AS active_users
FROM mart_usage_person_week
GROUP BY GROUPING SETS ((week, org), (week, org, team))
ORDER BY week, org
