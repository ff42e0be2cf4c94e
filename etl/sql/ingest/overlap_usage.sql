-- Rows of an incoming vendor file whose day, identity, tool and model a load already holds for
-- the same source: loading them would count the same usage twice.
SELECT n.row_number, n.usage_date, n.identity, n.model, min(v.load_id) AS load_id
FROM incoming_usage AS n
JOIN stg_vendor_usage AS v
    ON v.source = n.source
   AND v.usage_date = n.usage_date
   AND v.identity_kind = n.identity_kind
   AND v.identity = n.identity
   AND v.tool = n.tool
   AND v.model = n.model
   AND v.service_tier IS NOT DISTINCT FROM n.service_tier
GROUP BY ALL
ORDER BY n.row_number
