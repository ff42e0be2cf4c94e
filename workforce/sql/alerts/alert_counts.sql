-- Open, acknowledged and dismissed alerts per week, org and kind in the viewer's scope:
-- counts only, no person. What the usage page shows of abnormal consumption.
SELECT date_trunc('week', usage_date)::DATE AS week, org, kind, status, count(*) AS alerts
FROM app_alerts
WHERE list_contains($orgs, org)
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
  AND ($start::DATE IS NULL OR usage_date >= $start::DATE)
  AND ($end::DATE IS NULL OR usage_date <= $end::DATE)
GROUP BY ALL
ORDER BY week, org, kind, status
