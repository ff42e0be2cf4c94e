-- Group and wave are fixed once written; the rest can change, each change counted.
UPDATE app_action_plans
SET focus = $focus, focus_label = $focus_label, heard = $heard, action = $action, owner_role = $owner_role,
    due_on = $due_on, status = $status, revision = revision + 1, updated_by = $username,
    updated_at = now()::TIMESTAMP
WHERE plan_id = $plan_id
