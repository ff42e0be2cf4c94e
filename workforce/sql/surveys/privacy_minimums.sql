-- The minimum group sizes an admin set on the Access page (absent: the defaults apply).
SELECT key, value FROM app_meta WHERE key IN ('privacy_min_scores', 'privacy_min_comments')
