-- Moves between orgs that took effect in [start, end]: the previous row's org to this row's org,
-- split forced / chosen. A move is visible when either end is in the viewer's scope.
-- For an HR partner ($other_orgs set): an org outside their own orgs ($own) is named
-- $other_orgs, teams do not narrow the flows (org to org only), moves are counted per calendar
-- month and a month's cell of fewer than $min_people moves is left out before the months are
-- added up, so no window or filter isolates a smaller number of moves. The caller gives whole
-- months as [start, end] then.
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
),
cells AS (
    SELECT
        date_trunc('month', effective_date) AS month,
        CASE WHEN $other_orgs IS NULL OR list_contains($own, from_org) THEN from_org ELSE $other_orgs END AS from_org,
        CASE WHEN $other_orgs IS NULL OR list_contains($own, to_org) THEN to_org ELSE $other_orgs END AS to_org,
        forced,
        count(*) AS people
    FROM moves
    WHERE from_org IS NOT NULL AND from_org <> to_org
      AND effective_date BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
      AND (list_contains($orgs, from_org) OR list_contains($orgs, to_org))
      AND ($other_orgs IS NOT NULL OR $teams IS NULL OR list_contains($teams, from_team) OR list_contains($teams, to_team))
    GROUP BY ALL
)
SELECT from_org, to_org, forced, sum(people)::BIGINT AS people
FROM cells
WHERE people >= $min_people
GROUP BY ALL
