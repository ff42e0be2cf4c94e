-- The session a token names, if it is neither revoked nor expired and belongs to that username.
SELECT username
FROM app_sessions
WHERE session_id = $session_id
  AND username = $username
  AND revoked_at IS NULL
  AND expires_at > $now
