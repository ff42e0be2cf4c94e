-- Weekly adoption per org: people with at least one usage row in the week ÷ people employed
-- on the week's Monday (`headcount_in_scope`: headcount_in_scope.sql). Vendor and tool filters
-- do not apply: a person is an active AI user whatever the tool.
-- Active users, by the grain the filter needs: without a team filter the org rows the loader
-- counted (mart_usage_active_week); with one, the people of those teams counted here from
-- mart_usage_person_week (a person who moved team mid-week is one person, so team rows of the
-- mart do not add up). The branch the bound $teams rules out reads nothing.
WITH heads AS (
    SELECT week, org, sum(headcount) AS headcount
    FROM headcount_in_scope
    GROUP BY ALL
),
active AS (
    SELECT week, org, active_users
    FROM mart_usage_active_week
    WHERE $teams::VARCHAR[] IS NULL AND whole_org AND list_contains($orgs, org)
    UNION ALL
    SELECT week, org, count(DISTINCT employee_id) AS active_users
    FROM mart_usage_person_week
    WHERE $teams::VARCHAR[] IS NOT NULL AND list_contains($orgs, org) AND list_contains($teams, team)
    GROUP BY ALL
)
SELECT h.week, h.org, coalesce(a.active_users, 0) AS active_users, h.headcount,
    coalesce(a.active_users, 0) / h.headcount AS adoption
FROM heads AS h
LEFT JOIN active AS a USING (week, org)
WHERE h.headcount > 0
ORDER BY h.week, h.org
