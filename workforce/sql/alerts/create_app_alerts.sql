-- Abnormal-consumption alerts and their review. Owned by the app: a reload never touches it.
-- alert_id is kind:subject:date:metric, so detecting the same day twice finds the same alert.
CREATE TABLE IF NOT EXISTS app_alerts (
    alert_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL CHECK (kind IN ('person_day', 'team_day')),
    employee_id VARCHAR,            -- person_day only
    org VARCHAR NOT NULL,
    team VARCHAR NOT NULL,
    usage_date DATE NOT NULL,
    metric VARCHAR NOT NULL,        -- cost_usd or total_tokens
    value DOUBLE NOT NULL,
    baseline_median DOUBLE NOT NULL,
    baseline_mad DOUBLE NOT NULL,
    baseline_days INTEGER NOT NULL,
    robust_z DOUBLE NOT NULL,
    ratio DOUBLE,                   -- value / baseline median
    status VARCHAR NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'dismissed')),
    reason VARCHAR,
    reviewed_by VARCHAR,
    reviewed_at TIMESTAMP,
    detected_at TIMESTAMP NOT NULL
)
