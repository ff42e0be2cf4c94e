-- The mandates of one kind ($kind) with a target, once per org of the viewer's scope they cover:
-- '*' covers every org in scope; a named team narrows the mandate to that team (and a team
-- filter keeps only the mandates on those teams or on whole orgs). Read as `mandates` by
-- adoption_vs_target.sql and quota_overages.sql.
SELECT m.mandate_id, o.org, m.team, m.effective_date, m.target, m.description
FROM stg_ai_mandates AS m
JOIN (SELECT unnest($orgs::VARCHAR[]) AS org) AS o ON m.org = '*' OR m.org = o.org
WHERE m.kind = $kind AND m.target IS NOT NULL
  AND ($teams::VARCHAR[] IS NULL OR m.team IS NULL OR list_contains($teams, m.team))
