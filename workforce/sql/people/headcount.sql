-- People employed on each snapshot day, by the org of the row in effect that day.
SELECT day, org, count(*) AS headcount
FROM active
WHERE list_contains($orgs, org)
  AND ($teams IS NULL OR list_contains($teams, team))
GROUP BY ALL
