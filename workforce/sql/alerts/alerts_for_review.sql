-- The admins' review list: every alert with the person's name beside it (the only place where
-- names appear beside usage), newest and strongest first.
SELECT a.alert_id, a.usage_date, a.kind, e.full_name AS person, a.employee_id, a.org, a.team, a.metric,
    a.value, a.baseline_median, a.baseline_days, a.robust_z, a.ratio, a.status, a.reason,
    a.reviewed_by, a.reviewed_at, a.detected_at
FROM app_alerts AS a
LEFT JOIN stg_employees AS e USING (employee_id)
WHERE ($statuses::VARCHAR[] IS NULL OR list_contains($statuses, a.status))
  AND ($kinds::VARCHAR[] IS NULL OR list_contains($kinds, a.kind))
  AND list_contains($orgs, a.org)
ORDER BY a.usage_date DESC, a.robust_z DESC
LIMIT 1000
