-- The audited changes of one plan, oldest first.
SELECT "at", username, action, detail
FROM app_audit_log
WHERE target = $target AND action IN ('action_plan_create', 'action_plan_update')
ORDER BY "at", action
