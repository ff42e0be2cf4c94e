-- One stored alert with the person's name (person-days only): what an admin sees on opening it.
SELECT a.*, e.full_name AS person
FROM app_alerts AS a
LEFT JOIN stg_employees AS e USING (employee_id)
WHERE a.alert_id = $case_id
  AND list_contains($orgs, a.org)
