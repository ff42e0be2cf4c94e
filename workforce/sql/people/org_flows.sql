-- Moves between orgs that took effect in [start, end]: the previous row's org to this row's org,
-- split forced / chosen. A move is visible when either end is in the viewer's scope.
WITH moves AS (
    SELECT
        employee_id,
        effective_date,
        lag(org) OVER w AS from_org,
        lag(team) OVER w AS from_team,
        org AS to_org,
        team AS to_team,
        forced
    FROM stg_job_history
    WINDOW w AS (PARTITION BY employee_id ORDER BY effective_date)
)
SELECT from_org, to_org, forced, count(*) AS people
FROM moves
WHERE from_org IS NOT NULL AND from_org <> to_org
  AND effective_date BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
  AND (list_contains($orgs, from_org) OR list_contains($orgs, to_org))
  AND ($teams IS NULL OR list_contains($teams, from_team) OR list_contains($teams, to_team))
GROUP BY ALL
