-- person_signals.sql's rows with each person's longest run of consecutive far-above weeks
-- (0 without one), in person_signals()' column order. Runs over `signals` and `longest`.
SELECT s.* EXCLUDE (flagged), coalesce(l.longest_run_weeks, 0) AS longest_run_weeks, s.flagged
FROM signals AS s
LEFT JOIN longest AS l USING (employee_id)
