-- One row per detection run: when, on which data version, with which thresholds, what it found.
CREATE TABLE IF NOT EXISTS app_alert_runs (
    run_at TIMESTAMP NOT NULL,
    data_version VARCHAR,
    thresholds VARCHAR NOT NULL,    -- JSON
    added INTEGER NOT NULL,
    run_by VARCHAR
)
