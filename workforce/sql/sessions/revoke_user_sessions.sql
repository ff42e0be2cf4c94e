-- Every live session of an account (e.g. when it is deactivated or its password is reset).
UPDATE app_sessions SET revoked_at = $now WHERE account = $account AND revoked_at IS NULL
