-- Management layers: an org's layers at a month start are the depth of its deepest person (the
-- month grid stores each person's depth: managers above them up to the top); the mean depth is
-- shown beside it.
SELECT day, org, max(depth) AS layers, avg(depth) AS mean_depth, count(*) AS people
FROM active
WHERE list_contains($orgs, org)
  AND ($teams IS NULL OR list_contains($teams, team))
GROUP BY ALL
