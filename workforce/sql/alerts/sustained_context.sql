-- Team-level context of a sustained-usage case: over the weeks of the date range, each team
-- member's median weekly tokens as a multiple of their job family's median that week, one row
-- per person (context_spread.sql gives the spread, no names).
SELECT employee_id, median(tokens / nullif(peer_tokens, 0)) AS value
FROM mart_tokenmaxxing_person_week
WHERE org = $org AND team = $team
  AND ($start::DATE IS NULL OR week >= $start::DATE) AND ($end::DATE IS NULL OR week <= $end::DATE)
GROUP BY employee_id
