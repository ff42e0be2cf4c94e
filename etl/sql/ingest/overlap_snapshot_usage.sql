-- Contract token_usage rows appended on their own that the loaded snapshot already holds
-- (same person, day, tool and model: the contract's row key).
SELECT n.row_number, n.usage_date, n.identity, n.model
FROM incoming_usage AS n
JOIN stg_token_usage AS t
    ON t.usage_date = n.usage_date
   AND t.employee_id = n.identity
   AND t.tool = n.tool
   AND t.model = n.model
ORDER BY n.row_number
