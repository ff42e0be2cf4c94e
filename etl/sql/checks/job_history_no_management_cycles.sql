-- Nobody may manage themselves, directly or up the chain, on any day. Each row holds from its
-- effective_date until the employee's next row or exit; the walk follows each row up its
-- manager chain, intersecting the days every link holds, and reports a row whose chain comes
-- back to its own employee. A chain that loops without passing the start stops (its members
-- are reported from their own rows).
-- table: job_history
-- column: manager_id
-- severity: error
-- rule: no_management_cycle
-- message: the manager chain comes back to this employee (a management cycle)
-- Reads the relation `spans` (etl/sql/relations/job_history_spans.sql).
WITH RECURSIVE held AS (
    SELECT * FROM spans WHERE manager_id IS NOT NULL AND valid_from < valid_to
),
walk AS (
    SELECT _row AS start_row, employee_id AS start_id, manager_id AS current_id,
           valid_from, valid_to, [employee_id] AS chain
    FROM held
    UNION ALL
    SELECT w.start_row, w.start_id, h.manager_id,
           greatest(w.valid_from, h.valid_from), least(w.valid_to, h.valid_to),
           list_append(w.chain, h.employee_id)
    FROM walk AS w
    JOIN held AS h
      ON h.employee_id = w.current_id
     AND h.valid_from < w.valid_to
     AND w.valid_from < h.valid_to
    WHERE w.current_id <> w.start_id
      AND NOT list_contains(w.chain, w.current_id)
)
SELECT start_row AS _row,
       array_to_string(list_append(chain, start_id), ' → ') || ' from ' || CAST(min(valid_from) AS VARCHAR) AS value
FROM walk
WHERE current_id = start_id
GROUP BY start_row, chain, start_id
