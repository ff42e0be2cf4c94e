-- Appended usage rows the database already holds: the same person, day, tool and model (the
-- contract's row key) in the loaded snapshot or in a lone token_usage file ingested earlier.
-- Run in the append's scratch database, the target attached as `target`.
SELECT n._row, n.employee_id || ' ' || CAST(n.usage_date AS VARCHAR) || ' ' || n.tool || ' ' || n.model AS value
FROM token_usage AS n
WHERE EXISTS (
    SELECT 1 FROM target.main.stg_token_usage AS t
    WHERE t.usage_date = n.usage_date AND t.employee_id = n.employee_id AND t.tool = n.tool AND t.model = n.model
) OR EXISTS (
    SELECT 1 FROM target.main.stg_vendor_usage AS v
    WHERE v.source = 'contract:token_usage'
      AND v.usage_date = n.usage_date AND v.employee_id = n.employee_id AND v.tool = n.tool AND v.model = n.model
)
ORDER BY n._row
