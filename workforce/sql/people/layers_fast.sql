-- layers.sql on the month starts (`days`), from the depths the loader added up per team
-- (mart_people_month_team): the deepest depth, and the mean as depth sum over people.
SELECT day, org, max(deepest) AS layers, sum(depth_sum) / sum(people) AS mean_depth, sum(people)::BIGINT AS people
FROM mart_people_month_team
WHERE day IN (SELECT day FROM days)
  AND list_contains($orgs, org)
  AND ($teams IS NULL OR list_contains($teams, team))
GROUP BY ALL
