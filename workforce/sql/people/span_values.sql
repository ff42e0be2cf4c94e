-- How many managers have each span, per org, on each snapshot day (a histogram's input).
SELECT day, org, span, count(*) AS managers
FROM manager_spans
WHERE list_contains($orgs, org)
  AND ($teams IS NULL OR list_contains($teams, team))
GROUP BY ALL
