-- Managers whose span is above the threshold on the snapshot day. Names are selected only when
-- the caller may see individuals ($with_names); otherwise the column stays NULL.
SELECT s.day, s.org, s.team, s.level,
       CASE WHEN $with_names THEN s.manager_id END AS manager_id,
       CASE WHEN $with_names THEN e.full_name END AS manager_name,
       s.span
FROM manager_spans AS s
LEFT JOIN stg_employees AS e ON e.employee_id = s.manager_id
WHERE s.span > $threshold
  AND list_contains($orgs, s.org)
  AND ($teams IS NULL OR list_contains($teams, s.team))
