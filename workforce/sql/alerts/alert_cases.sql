-- The stored alerts as cases to review one at a time: ids and where they sit, no names and no
-- figures. Ordered by day and id, never by size: the queue is not a ranking.
SELECT a.alert_id AS case_id, a.kind, a.org, a.team, a.usage_date AS since, a.status
FROM app_alerts AS a
WHERE ($statuses::VARCHAR[] IS NULL OR list_contains($statuses, a.status))
  AND ($kinds::VARCHAR[] IS NULL OR list_contains($kinds, a.kind))
  AND list_contains($orgs, a.org)
  AND ($start::DATE IS NULL OR a.usage_date >= $start::DATE)
  AND ($end::DATE IS NULL OR a.usage_date <= $end::DATE)
ORDER BY a.usage_date, a.alert_id
