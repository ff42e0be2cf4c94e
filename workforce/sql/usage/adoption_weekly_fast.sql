-- adoption_weekly.sql for whole orgs (no team filter), from the active users the loader
-- counted per week and org (mart_usage_active_week) instead of counting people here.
WITH heads AS (
    SELECT week, org, sum(headcount) AS headcount
    FROM mart_headcount_week
    WHERE list_contains($orgs, org)
      AND ($start::DATE IS NULL OR week >= date_trunc('week', $start::DATE))
      AND ($end::DATE IS NULL OR week <= $end::DATE)
    GROUP BY ALL
),
active AS (
    SELECT week, org, active_users
    FROM mart_usage_active_week
    WHERE whole_org AND list_contains($orgs, org)
)
SELECT h.week, h.org, coalesce(a.active_users, 0) AS active_users, h.headcount,
    coalesce(a.active_users, 0) / h.headcount AS adoption
FROM heads AS h
LEFT JOIN active AS a USING (week, org)
WHERE h.headcount > 0
ORDER BY h.week, h.org
