-- Flag counts per org (no names): people with usage in the range and how many were flagged.
-- Runs over the rows of person_signals.sql, given to it as `signals`.
SELECT org, count(*) AS people, count(*) FILTER (WHERE flagged) AS flagged,
    count(*) FILTER (WHERE flagged) / count(*) AS flagged_share
FROM signals
GROUP BY org
ORDER BY org
