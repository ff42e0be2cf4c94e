SELECT n.row_number, n.week_start, n.identity, min(o.load_id) AS load_id
FROM incoming_outcomes AS n
JOIN stg_vendor_outcomes AS o
    ON o.source = n.source
   AND o.week_start = n.week_start
   AND o.identity_kind = n.identity_kind
   AND o.identity = n.identity
GROUP BY ALL
ORDER BY n.row_number
