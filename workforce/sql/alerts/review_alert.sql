-- An admin's decision on one alert, with the reason. Returns the alert's id; no row for an
-- unknown alert.
UPDATE app_alerts
SET status = $status, reason = $reason, reviewed_by = $reviewed_by, reviewed_at = now()::TIMESTAMP
WHERE alert_id = $alert_id
RETURNING alert_id
