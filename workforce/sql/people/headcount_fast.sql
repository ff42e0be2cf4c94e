-- headcount.sql on the month starts (`days`), from mart_people_month_team.
SELECT day, org, sum(people)::BIGINT AS headcount
FROM mart_people_month_team
WHERE day IN (SELECT day FROM days)
  AND list_contains($orgs, org)
  AND ($teams IS NULL OR list_contains($teams, team))
GROUP BY ALL
