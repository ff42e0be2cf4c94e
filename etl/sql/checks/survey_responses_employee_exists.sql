-- The respondent must be a known person: their org, team and tenure at submission come from
-- employees and job_history.
-- table: survey_responses
-- column: employee_id
-- severity: error
-- rule: references(employees)
-- message: must be an employee_id of employees
-- the value is not shown: messages never repeat a respondent's id
SELECT r._row, NULL AS value
FROM survey_responses AS r
ANTI JOIN employees AS e USING (employee_id)
WHERE r.employee_id IS NOT NULL
