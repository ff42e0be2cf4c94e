-- Mark the latest run as this data version's when the load that wrote the data made it (run_by
-- $load_run, no version yet). Returns a row when it did.
UPDATE app_alert_runs SET data_version = $data_version
WHERE run_by = $load_run AND data_version IS NULL
  AND run_at = (SELECT max(run_at) FROM app_alert_runs)
RETURNING added
