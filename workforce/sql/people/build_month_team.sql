-- Per snapshot day, org, team and the span of the person's manager that day (NULL for the top of
-- the tree): people employed, the deepest depth and the sum of depths (depths.sql). What the
-- monthly headcount, span and layers series add up; written as mart_people_month_team.
SELECT p.day, p.org, p.team, s.span AS manager_span,
       count(*) AS people, max(d.depth) AS deepest, sum(d.depth) AS depth_sum
FROM active AS p
JOIN depths AS d USING (day, employee_id)
LEFT JOIN manager_spans AS s ON s.day = p.day AND s.manager_id = p.manager_id
GROUP BY ALL
ORDER BY p.day, p.org, p.team
