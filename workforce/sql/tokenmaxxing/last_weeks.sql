-- Each person's last scored week in the range (a peer group of at least $min_peers), in the
-- viewer's scope: the week whose next scored week (next_week, which the loader stored for the
-- default peer minimum) falls after the range. Its org and team are those person_signals.sql
-- gives the person (their latest week's), so these rows are person_signals.sql's people.
SELECT employee_id, org, team
FROM person_weeks
WHERE peers >= $min_peers
  AND ($start::DATE IS NULL OR week >= date_trunc('week', $start::DATE))
  AND ($end::DATE IS NULL OR week <= $end::DATE)
  AND (next_week IS NULL OR next_week > $end::DATE)
  AND list_contains($orgs, org)
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
