-- The latest detection run.
SELECT * FROM app_alert_runs ORDER BY run_at DESC LIMIT 1
