-- Hires, transfers and reorgs (split forced / chosen) counted in the org people moved into, and
-- exits by type counted in the org people left from (the row in effect on their last day: the
-- int_assignments row that stops on the exit date). A row's valid_from is its effective date.
WITH moves AS (
    SELECT
        a.valid_from AS day,
        a.org,
        a.team,
        CASE
            WHEN a.reason = 'hire' THEN 'hire'
            WHEN a.reason = 'transfer' AND a.forced THEN 'transfer (forced)'
            WHEN a.reason = 'transfer' THEN 'transfer (chosen)'
            WHEN a.reason = 'reorg' AND a.forced THEN 'reorg (forced)'
            WHEN a.reason = 'reorg' THEN 'reorg (chosen)'
        END AS kind
    FROM int_assignments AS a
    WHERE a.reason IN ('hire', 'transfer', 'reorg')
),
exits AS (
    SELECT a.exit_date AS day, a.org, a.team, 'exit: ' || a.exit_type AS kind
    FROM int_assignments AS a
    WHERE a.exit_date IS NOT NULL AND a.valid_to = a.exit_date
),
events AS (
    SELECT * FROM moves
    UNION ALL
    SELECT * FROM exits
)
SELECT CAST(date_trunc('month', day) AS DATE) AS month, org, kind, count(*) AS people
FROM events
WHERE day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
  AND list_contains($orgs, org)
  AND ($teams IS NULL OR list_contains($teams, team))
GROUP BY ALL
