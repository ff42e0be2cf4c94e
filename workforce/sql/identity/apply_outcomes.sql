UPDATE stg_vendor_outcomes AS o
SET employee_id = r.employee_id
FROM resolved_identities AS r
WHERE o.identity_kind = r.identity_kind
  AND o.identity = r.identity
  AND o.employee_id IS DISTINCT FROM r.employee_id
