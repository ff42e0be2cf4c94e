-- Allowed but probably a typo: a mandate for an org (or org and team) that never appears in
-- job_history covers nobody.
-- table: ai_mandates
-- column: org
-- severity: warning
-- rule: scope_known
-- message: the org (or org and team) appears in no job_history row, so the mandate covers nobody
SELECT m._row, m.org || coalesce(' / ' || m.team, '') AS value
FROM ai_mandates AS m
WHERE m.org IS NOT NULL AND m.org <> '*'
  AND NOT EXISTS (
      SELECT 1 FROM job_history AS j
      WHERE j.org = m.org AND (m.team IS NULL OR j.team = m.team)
  )
