INSERT INTO app_action_plans (plan_id, wave_id, org, team, focus, focus_label, heard, action, owner_role, due_on,
                              status, revision, created_by, created_at, updated_by, updated_at)
VALUES ($plan_id, $wave_id, $org, $team, $focus, $focus_label, $heard, $action, $owner_role, $due_on,
        $status, 1, $username, now()::TIMESTAMP, $username, now()::TIMESTAMP)
