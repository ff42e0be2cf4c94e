-- Management layers: an org's layers on a snapshot day are the depth of its deepest person
-- (depths.sql: managers above a person up to the top); the mean depth is shown beside it.
SELECT p.day, p.org, max(d.depth) AS layers, avg(d.depth) AS mean_depth, count(*) AS people
FROM active AS p
JOIN depths AS d USING (day, employee_id)
WHERE list_contains($orgs, p.org)
  AND ($teams IS NULL OR list_contains($teams, p.team))
GROUP BY ALL
