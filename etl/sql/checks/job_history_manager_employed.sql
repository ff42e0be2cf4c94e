-- Allowed but worth knowing: a row naming a manager who is not employed on the row's
-- effective date (not yet hired, or already gone). Such rows load and count in that
-- manager's span; HR usually fixes them after a layoff.
-- table: job_history
-- column: manager_id
-- severity: warning
-- rule: manager_not_employed
-- message: the manager is not employed on the row's effective_date (loaded; reported as a data-quality warning)
SELECT j._row, j.manager_id || ' on ' || CAST(j.effective_date AS VARCHAR) AS value
FROM job_history AS j
JOIN employees AS m ON m.employee_id = j.manager_id
LEFT JOIN exits AS x ON x.employee_id = j.manager_id
WHERE j.effective_date IS NOT NULL
  AND (j.effective_date < m.hire_date OR j.effective_date >= x.exit_date)
