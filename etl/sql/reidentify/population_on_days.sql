-- The attacker's reference table: everyone employed on each of $days (hire_date <= day < exit),
-- where they sat that day, their tenure band and their manager's span of control. Run with the
-- relations `days`, `placed` and `int_assignments` from its own file (etl/reidentify.py), so it
-- reads the HR tables the database file holds (stg_*), not anything the survey code derives.
SELECT day, employee_id, org, team, level, tenure_band, manager_id, manager_span
FROM placed
