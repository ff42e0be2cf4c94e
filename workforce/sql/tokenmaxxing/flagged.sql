-- The flagged people of `flags` (person_flags.sql), with the org and team they are counted in:
-- the cases the alert queue lists, and whose ratios a flag shows (`shown`, person_ratios.sql).
SELECT employee_id, org, team FROM flags WHERE flagged
