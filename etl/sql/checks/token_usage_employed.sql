-- Usage counts against the org the person belonged to that day, so they must have been
-- employed that day (hire_date <= usage_date < exit_date).
-- table: token_usage
-- column: usage_date
-- severity: error
-- rule: employed_on_date
-- message: the employee is not employed on this day (hire_date <= usage_date < exit_date)
SELECT u._row, u.employee_id || ' on ' || CAST(u.usage_date AS VARCHAR) AS value
FROM token_usage AS u
JOIN employees AS e USING (employee_id)
LEFT JOIN exits AS x USING (employee_id)
WHERE u.usage_date < e.hire_date OR u.usage_date >= x.exit_date
