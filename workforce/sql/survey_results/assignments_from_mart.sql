-- people/assignments.sql's rows read from the core mart the loader builds (int_assignments):
-- the same half-open intervals [valid_from, valid_to), starting no earlier than the hire date,
-- with the far-future sentinel for a row that still holds. Rows the mart leaves out (starting
-- on or after the exit) hold on no day in either.
SELECT employee_id, greatest(valid_from, hire_date) AS valid_from, coalesce(valid_to, DATE '9999-12-31') AS valid_to,
       org, team
FROM int_assignments
