-- Each person's depth on each snapshot day: the number of managers above them up to the top of
-- the company (the person with no manager has depth 0). The walk stops at 40 levels so a cycle
-- cannot run away.
WITH RECURSIVE chain(day, employee_id, ancestor, depth) AS (
    SELECT day, employee_id, manager_id, CASE WHEN manager_id IS NULL THEN 0 ELSE 1 END
    FROM active
    UNION ALL
    SELECT c.day, c.employee_id, a.manager_id, c.depth + 1
    FROM chain AS c
    JOIN active AS a ON a.day = c.day AND a.employee_id = c.ancestor
    WHERE a.manager_id IS NOT NULL AND c.depth < 40
)
SELECT day, employee_id, max(depth) AS depth
FROM chain
GROUP BY ALL
