-- Contract outcomes rows appended on their own that the loaded snapshot already holds
-- (same person and week: the contract's row key).
SELECT n.row_number, n.week_start, n.identity
FROM incoming_outcomes AS n
JOIN stg_outcomes AS o
    ON o.week_start = n.week_start
   AND o.employee_id = n.identity
ORDER BY n.row_number
