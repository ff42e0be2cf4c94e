-- Every identity seen in vendor usage or outcomes, with the employee it maps to (or NULL).
-- An admin's explicit mapping wins; then an email equal (case-insensitively) to an
-- employee's email; then the email the vendor's member list gives the id (or its owner: an
-- API key → the user who created it); then a contract employee_id that exists.
WITH seen AS (
    SELECT DISTINCT identity_kind, identity FROM stg_vendor_usage
    UNION
    SELECT DISTINCT identity_kind, identity FROM stg_vendor_outcomes
),

listed AS (
    SELECT d.identity_kind, d.identity, lower(coalesce(d.email, owner.email)) AS email
    FROM app_identity_directory AS d
    LEFT JOIN app_identity_directory AS owner
        ON owner.identity_kind = d.owner_kind AND owner.identity = d.owner_identity
    WHERE coalesce(d.email, owner.email) IS NOT NULL
),

employee_emails AS (
    -- an email two employees share names nobody for sure: it maps no one
    SELECT lower(email) AS email, any_value(employee_id) AS employee_id
    FROM stg_employees
    WHERE email IS NOT NULL
    GROUP BY lower(email)
    HAVING count(*) = 1
)

SELECT
    s.identity_kind,
    s.identity,
    coalesce(m.employee_id, by_email.employee_id, by_list.employee_id, by_id.employee_id) AS employee_id,
    CASE
        WHEN m.employee_id IS NOT NULL THEN 'identity map'
        WHEN by_email.employee_id IS NOT NULL THEN 'employee email'
        WHEN by_list.employee_id IS NOT NULL THEN 'member list email'
        WHEN by_id.employee_id IS NOT NULL THEN 'employee id'
    END AS matched_by
FROM seen AS s
LEFT JOIN app_identity_map AS m
    ON m.identity_kind = s.identity_kind AND m.identity = s.identity
LEFT JOIN employee_emails AS by_email
    ON s.identity_kind = 'email' AND by_email.email = lower(s.identity)
LEFT JOIN listed AS l
    ON l.identity_kind = s.identity_kind AND l.identity = s.identity
LEFT JOIN employee_emails AS by_list
    ON by_list.email = l.email
LEFT JOIN stg_employees AS by_id
    ON s.identity_kind = 'employee_id' AND by_id.employee_id = s.identity
