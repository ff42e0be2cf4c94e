-- Every person of `flags` (person_flags.sql): whose ratios person_signals() shows.
SELECT employee_id FROM flags
