-- Everyone employed on the first day of each month of the data window (month_grid), in the
-- assignment in effect that day, with their tenure band and their manager's span of control that
-- day (placed_on_days): the one month grid every monthly figure reads. The relations are declared
-- in etl/loading/sqlfiles.py (RELATIONS).
-- depth is the number of managers above the person that month, up to the top of the company (the
-- person with no manager has depth 0; a manager not employed that day ends the walk; it stops at
-- 40 levels so a cycle cannot run away): an org's management layers are its deepest person's depth.
WITH RECURSIVE chain(day, employee_id, ancestor, depth) AS (
    SELECT day, employee_id, manager_id, CASE WHEN manager_id IS NULL THEN 0 ELSE 1 END
    FROM placed
    UNION ALL
    SELECT c.day, c.employee_id, a.manager_id, c.depth + 1
    FROM chain AS c
    JOIN placed AS a ON a.day = c.day AND a.employee_id = c.ancestor
    WHERE a.manager_id IS NOT NULL AND c.depth < 40
),

depths AS (
    SELECT day, employee_id, CAST(max(depth) AS INTEGER) AS depth
    FROM chain
    GROUP BY ALL
)

SELECT
    p.day AS month,
    p.employee_id,
    p.org,
    p.team,
    p.manager_id,
    p.level,
    p.job_family,
    p.location,
    p.hire_date,
    p.exit_date,
    p.exit_type,
    CAST(p.tenure_band AS ENUM('<1y', '1-2y', '2-5y', '5y+')) AS tenure_band,
    p.manager_span,
    d.depth
FROM placed AS p
JOIN depths AS d USING (day, employee_id)
