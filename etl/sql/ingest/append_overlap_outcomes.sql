-- Appended outcome rows the database already holds: the same person and week, in the loaded
-- snapshot or in a lone outcomes file ingested earlier. Run in the append's scratch database.
SELECT n._row, n.employee_id || ' ' || CAST(n.week_start AS VARCHAR) AS value
FROM outcomes AS n
WHERE EXISTS (
    SELECT 1 FROM target.main.stg_outcomes AS t
    WHERE t.week_start = n.week_start AND t.employee_id = n.employee_id
) OR EXISTS (
    SELECT 1 FROM target.main.stg_vendor_outcomes AS v
    WHERE v.source = 'contract:outcomes' AND v.week_start = n.week_start AND v.employee_id = n.employee_id
)
ORDER BY n._row
