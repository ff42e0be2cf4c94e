-- Management layers: for each person employed on a snapshot day, the number of managers above
-- them up to the top of the company (the person with no manager has depth 0). An org's layers
-- are the depth of its deepest person. The walk stops at 40 levels so a cycle cannot run away.
WITH RECURSIVE chain(day, employee_id, ancestor, depth) AS (
    SELECT day, employee_id, manager_id, CASE WHEN manager_id IS NULL THEN 0 ELSE 1 END
    FROM active
    UNION ALL
    SELECT c.day, c.employee_id, a.manager_id, c.depth + 1
    FROM chain AS c
    JOIN active AS a ON a.day = c.day AND a.employee_id = c.ancestor
    WHERE a.manager_id IS NOT NULL AND c.depth < 40
),
depths AS (
    SELECT day, employee_id, max(depth) AS depth
    FROM chain
    GROUP BY ALL
)
SELECT p.day, p.org, max(d.depth) AS layers, avg(d.depth) AS mean_depth, count(*) AS people
FROM active AS p
JOIN depths AS d USING (day, employee_id)
WHERE list_contains($orgs, p.org)
  AND ($teams IS NULL OR list_contains($teams, p.team))
GROUP BY ALL
