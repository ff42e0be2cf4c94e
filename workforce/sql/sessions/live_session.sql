-- Whether the session a token names is neither revoked nor expired and belongs to that account.
SELECT count(*) > 0
FROM app_sessions
WHERE session_id = $session_id
  AND account = $account
  AND revoked_at IS NULL
  AND expires_at > $now
