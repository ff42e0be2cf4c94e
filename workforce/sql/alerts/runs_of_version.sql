-- How many detection runs recorded this data version.
SELECT count(*) AS runs FROM app_alert_runs WHERE data_version IS NOT DISTINCT FROM $data_version
