-- Every person with a scored week in the range (a peer group of at least $min_peers), in the
-- viewer's scope, in the org and team of their latest such week: person_signals.sql's people,
-- with person_signals.sql's org and team, whether or not the rule ran on them.
SELECT employee_id, arg_max(org, week) AS org, arg_max(team, week) AS team
FROM mart_tokenmaxxing_person_week
WHERE peers >= $min_peers
  AND ($start::DATE IS NULL OR week >= date_trunc('week', $start::DATE))
  AND ($end::DATE IS NULL OR week <= $end::DATE)
GROUP BY employee_id
HAVING list_contains($orgs, arg_max(org, week))
   AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, arg_max(team, week)))
