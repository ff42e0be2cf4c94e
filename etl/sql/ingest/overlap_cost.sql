SELECT n.row_number, n.cost_date, min(c.load_id) AS load_id
FROM incoming_cost AS n
JOIN stg_vendor_cost AS c
    ON c.source = n.source
   AND c.cost_date = n.cost_date
   AND c.workspace_id IS NOT DISTINCT FROM n.workspace_id
   AND c.model IS NOT DISTINCT FROM n.model
   AND c.cost_type IS NOT DISTINCT FROM n.cost_type
   AND c.token_type IS NOT DISTINCT FROM n.token_type
   AND c.description IS NOT DISTINCT FROM n.description
   AND c.service_tier IS NOT DISTINCT FROM n.service_tier
GROUP BY ALL
ORDER BY n.row_number
