-- Person-months of each team by the orgs the person's AI usage that month was attributed to
-- (usage_orgs, sorted; empty when they used no AI that month), written at load with the other
-- drivers tables (analytics.stored). A person-month counts as adopting for a viewer when its
-- usage came from an org in their scope (drivers_teams_in_scope.sql): after a transfer within
-- a month the usage can sit in another org than the person-month, and a viewer of one org
-- sees only usage attributed to it, as everywhere else in the app.
WITH usage_months AS (
    SELECT
        date_trunc('month', usage_date)::DATE AS month,
        employee_id,
        list_sort(list(DISTINCT org) FILTER (WHERE org IS NOT NULL)) AS usage_orgs
    FROM mart_usage_daily
    GROUP BY 1, 2
)

SELECT
    pm.org,
    pm.team,
    coalesce(um.usage_orgs, []::VARCHAR[]) AS usage_orgs,
    count(*) AS person_months
FROM mart_employee_month AS pm
LEFT JOIN usage_months AS um ON um.employee_id = pm.employee_id AND um.month = pm.month
GROUP BY ALL
ORDER BY pm.org, pm.team
