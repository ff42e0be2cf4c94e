-- Record a detection run: the data version it ran on (NULL for the load's own run, claimed by
-- claim_load_run.sql), the thresholds as JSON, how many alerts it added and who ran it.
INSERT INTO app_alert_runs VALUES (now()::TIMESTAMP, $data_version, $thresholds, $added, $run_by)
