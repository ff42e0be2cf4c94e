-- Team-day alerts in the viewer's scope (a team is not a person, so it may be named here).
SELECT usage_date, org, team, metric, value, baseline_median, robust_z, ratio, status
FROM app_alerts
WHERE kind = 'team_day'
  AND list_contains($orgs, org)
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
  AND ($start::DATE IS NULL OR usage_date >= $start::DATE)
  AND ($end::DATE IS NULL OR usage_date <= $end::DATE)
ORDER BY usage_date DESC, robust_z DESC
LIMIT 500
