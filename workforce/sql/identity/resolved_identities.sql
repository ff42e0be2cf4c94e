-- Every identity seen in vendor usage or outcomes, with the employee it maps to (or NULL).
-- An admin's explicit mapping wins; then an email equal (case-insensitively) to an
-- employee's email; then a contract employee_id that exists.
WITH seen AS (
    SELECT DISTINCT identity_kind, identity FROM stg_vendor_usage
    UNION
    SELECT DISTINCT identity_kind, identity FROM stg_vendor_outcomes
)
SELECT
    s.identity_kind,
    s.identity,
    coalesce(m.employee_id, by_email.employee_id, by_id.employee_id) AS employee_id,
    CASE
        WHEN m.employee_id IS NOT NULL THEN 'identity map'
        WHEN by_email.employee_id IS NOT NULL THEN 'employee email'
        WHEN by_id.employee_id IS NOT NULL THEN 'employee id'
    END AS matched_by
FROM seen AS s
LEFT JOIN app_identity_map AS m
    ON m.identity_kind = s.identity_kind AND m.identity = s.identity
LEFT JOIN stg_employees AS by_email
    ON s.identity_kind = 'email' AND lower(by_email.email) = lower(s.identity)
LEFT JOIN stg_employees AS by_id
    ON s.identity_kind = 'employee_id' AND by_id.employee_id = s.identity
