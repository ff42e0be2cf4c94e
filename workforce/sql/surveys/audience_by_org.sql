-- People employed on a day per org (the denominator of a live response rate), limited to the
-- wave's audience ($audience NULL: every org).
SELECT org, count(DISTINCT employee_id)::BIGINT AS audience
FROM int_assignments
WHERE valid_from <= $on AND (valid_to IS NULL OR $on < valid_to)
  AND ($audience::VARCHAR[] IS NULL OR list_contains($audience::VARCHAR[], org))
GROUP BY org
ORDER BY org
