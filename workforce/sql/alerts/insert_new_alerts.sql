-- Keep alerts already stored (and their review) as they are; add only new ones. Runs over
-- `detected` (detect.sql over alert_days.sql). Returns the ids added.
INSERT INTO app_alerts (alert_id, kind, employee_id, org, team, usage_date, metric, value, baseline_median,
    baseline_mad, baseline_days, robust_z, ratio, detected_at)
SELECT alert_id, kind, employee_id, org, team, usage_date, metric, value, baseline_median,
    baseline_mad, baseline_days, robust_z, ratio, now()::TIMESTAMP
FROM detected
ON CONFLICT (alert_id) DO NOTHING
RETURNING alert_id
