-- Sign-in sessions that survive a reload: one row per sign-in. The browser holds only a signed
-- token naming the row (workforce/sessions.py); the row is what makes it revocable. The account
-- is stored as a keyed digest of the username (the key is the session secret, outside the
-- database), so a copy of the file does not say who signed in when -- which, for employees,
-- would narrow down whose in-app survey answer is whose.
CREATE TABLE IF NOT EXISTS app_sessions (
    session_id VARCHAR PRIMARY KEY,
    account VARCHAR NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
)
