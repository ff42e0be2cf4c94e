INSERT INTO app_sessions (session_id, account, issued_at, expires_at)
VALUES ($session_id, $account, $issued_at, $expires_at)
