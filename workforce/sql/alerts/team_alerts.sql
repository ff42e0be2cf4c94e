-- Team-day alerts in the viewer's scope (a team is not a person, so it may be named here), for
-- team-days with at least $min_people active people: below that, a team-day is one or a few
-- people's usage (the usage page's minimum group, docs/usage.md).
SELECT a.usage_date, a.org, a.team, a.metric, a.value, a.baseline_median, a.robust_z, a.ratio, a.status
FROM app_alerts AS a
LEFT JOIN mart_usage_team_day_people AS p USING (usage_date, org, team)
WHERE a.kind = 'team_day'
  AND coalesce(p.people, 0) >= $min_people
  AND list_contains($orgs, a.org)
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, a.team))
  AND ($start::DATE IS NULL OR a.usage_date >= $start::DATE)
  AND ($end::DATE IS NULL OR a.usage_date <= $end::DATE)
ORDER BY a.usage_date DESC, a.robust_z DESC
LIMIT 500
