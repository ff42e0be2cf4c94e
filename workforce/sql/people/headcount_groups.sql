-- People employed on the snapshot day by org, team and level: the drill-down's breakdown
-- (summed to org, team or level by workforce.drill; the same `active` rows as headcount.sql).
SELECT org, team, level, count(*) AS headcount
FROM active
WHERE list_contains($orgs, org)
  AND ($teams IS NULL OR list_contains($teams, team))
GROUP BY ALL
