UPDATE stg_vendor_usage AS u
SET employee_id = r.employee_id
FROM resolved_identities AS r
WHERE u.identity_kind = r.identity_kind
  AND u.identity = r.identity
  AND u.employee_id IS DISTINCT FROM r.employee_id
