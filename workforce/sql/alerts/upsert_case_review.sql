-- An admin's decision on a sustained-usage case; a later decision replaces the earlier one
-- (every decision is also in the audit log).
INSERT OR REPLACE INTO app_case_reviews (case_id, status, reason, reviewed_by, reviewed_at)
VALUES ($case_id, $status, $reason, $reviewed_by, now()::TIMESTAMP)
