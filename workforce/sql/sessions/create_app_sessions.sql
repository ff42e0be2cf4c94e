-- Sign-in sessions that survive a reload: one row per sign-in. The browser holds only a signed
-- token naming the row (workforce/sessions.py); the row is what makes it revocable.
CREATE TABLE IF NOT EXISTS app_sessions (
    session_id VARCHAR PRIMARY KEY,
    username VARCHAR NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
)
