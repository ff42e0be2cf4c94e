-- Every person's org, team and flag for the default rules over the whole data, as the loader
-- stored them (mart_tokenmaxxing_flags), narrowed to the viewer's scope as person_signals.sql does.
SELECT employee_id, org, team, flagged
FROM mart_tokenmaxxing_flags
WHERE list_contains($orgs, org)
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
