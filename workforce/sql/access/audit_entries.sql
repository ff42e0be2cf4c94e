-- The audit log, newest first, narrowed by who, what and when ($x NULL: no narrowing).
SELECT "at", username, action, target, detail
FROM app_audit_log
WHERE ($username::VARCHAR IS NULL OR username = $username::VARCHAR)
  AND ($action::VARCHAR IS NULL OR action = $action::VARCHAR)
  AND ($start::DATE IS NULL OR "at" >= $start::DATE)
  AND ($end::DATE IS NULL OR "at" < $end::DATE + INTERVAL 1 DAY)
ORDER BY "at" DESC, username
LIMIT $limit
