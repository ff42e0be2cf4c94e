-- Allowed but worth knowing: the manager leaves while this row still holds (the report keeps
-- an absent manager until HR moves them).
-- table: job_history
-- column: manager_id
-- severity: warning
-- rule: manager_left_while_in_effect
-- message: the manager exits while this row is still in effect (loaded; reported as a data-quality warning)
-- Reads the relation `spans` (etl/sql/relations/job_history_spans.sql).
SELECT s._row, s.manager_id || ' left ' || CAST(mx.exit_date AS VARCHAR) AS value
FROM spans AS s
JOIN exits AS mx ON mx.employee_id = s.manager_id
WHERE mx.exit_date > s.valid_from AND mx.exit_date < s.valid_to
