-- The admins' decisions on cases that are not stored alerts (sustained usage far above peers,
-- whose flags the loader recomputes on every load). Owned by the app: a reload never touches it.
CREATE TABLE IF NOT EXISTS app_case_reviews (
    case_id VARCHAR PRIMARY KEY,    -- sustained_usage:<employee_id>
    status VARCHAR NOT NULL CHECK (status IN ('open', 'acknowledged', 'dismissed')),
    reason VARCHAR NOT NULL,
    reviewed_by VARCHAR NOT NULL,
    reviewed_at TIMESTAMP NOT NULL
)
