SELECT * FROM app_action_plans WHERE plan_id = $plan_id
