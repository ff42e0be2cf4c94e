-- Flag counts per org (no names): people with a scored week in the range and how many were flagged.
-- Runs over `flags`: one row per person in scope with their org and flag (person_flags.sql).
SELECT org, count(*) AS people, count(*) FILTER (WHERE flagged) AS flagged,
    count(*) FILTER (WHERE flagged) / count(*) AS flagged_share
FROM flags
GROUP BY org
ORDER BY org
