-- Optional delivery signals per person and ISO week (week_start = Monday). Empty when the
-- folder has no outcomes file.
SELECT week_start, employee_id, changes_landed, agent_assisted_changes, reviews_done
FROM outcomes
