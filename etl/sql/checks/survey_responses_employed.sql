-- Only people employed on the day answer (hire_date <= submitted day < exit_date).
-- table: survey_responses
-- column: submitted_at
-- severity: error
-- rule: employed_on_date
-- message: the respondent is not employed on the day of submitted_at
SELECT r._row, CAST(r.submitted_at AS VARCHAR) AS value
FROM survey_responses AS r
JOIN employees AS e USING (employee_id)
LEFT JOIN exits AS x USING (employee_id)
WHERE CAST(r.submitted_at AS DATE) < e.hire_date OR CAST(r.submitted_at AS DATE) >= x.exit_date
