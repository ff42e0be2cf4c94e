UPDATE app_sessions SET revoked_at = $now WHERE session_id = $session_id AND revoked_at IS NULL
