-- person_signals.sql's rows of the people flagged by the default rules over the whole data, as
-- the loader stored them (mart_tokenmaxxing_flagged), narrowed to the viewer's scope.
SELECT *
FROM mart_tokenmaxxing_flagged
WHERE list_contains($orgs, org)
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
