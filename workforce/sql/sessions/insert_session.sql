INSERT INTO app_sessions (session_id, username, issued_at, expires_at)
VALUES ($session_id, $username, $issued_at, $expires_at)
