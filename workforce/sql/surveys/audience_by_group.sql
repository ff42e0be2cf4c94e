-- People employed on a day per org and per team of an org (the denominators of live response
-- rates), limited to the wave's audience ($audience NULL: every org). team NULL: the org's row.
SELECT org, CASE WHEN grouping(team) = 0 THEN team END AS team, count(DISTINCT employee_id)::BIGINT AS audience
FROM int_assignments
WHERE valid_from <= $on AND (valid_to IS NULL OR $on < valid_to)
  AND ($audience::VARCHAR[] IS NULL OR list_contains($audience::VARCHAR[], org))
GROUP BY GROUPING SETS ((org), (org, team))
ORDER BY org, team NULLS FIRST
