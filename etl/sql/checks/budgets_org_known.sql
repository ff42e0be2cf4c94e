-- Allowed but probably a typo: a budget for an org that never appears in job_history has no
-- spend to compare against.
-- table: budgets
-- column: org
-- severity: warning
-- rule: org_known
-- message: the org appears in no job_history row
SELECT b._row, b.org AS value
FROM budgets AS b
WHERE b.org IS NOT NULL
  AND b.org NOT IN (SELECT org FROM job_history WHERE org IS NOT NULL)
