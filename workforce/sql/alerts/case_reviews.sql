-- The decisions recorded on sustained-usage cases, for the cases asked about.
SELECT case_id, status, reason, reviewed_by, reviewed_at
FROM app_case_reviews
WHERE list_contains($case_ids, case_id)
