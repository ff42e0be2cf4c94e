-- How much of what the vendors name maps to a person, per identity kind and by which rule.
SELECT
    identity_kind,
    count(*) AS identities,
    count(employee_id) AS mapped,
    count(employee_id) / count(*) AS share_mapped,
    count(*) FILTER (WHERE matched_by = 'member list email') AS by_member_list,
    count(*) FILTER (WHERE matched_by = 'employee email') AS by_email,
    count(*) FILTER (WHERE matched_by = 'identity map') AS by_identity_map
FROM resolved_identities AS r
GROUP BY identity_kind
ORDER BY identity_kind
