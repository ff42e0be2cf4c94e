-- Mandates of one kind whose scope touches the viewer's orgs: company-wide ('*') ones and
-- those of an org in scope (narrowed to a team when the mandate names one).
SELECT DISTINCT
    m.mandate_id, m.org AS scope_org, m.team AS scope_team, m.announced_date, m.effective_date,
    m.kind, m.target, m.description
FROM stg_ai_mandates AS m
WHERE m.kind = $kind
  AND (m.org = '*' OR list_contains($orgs, m.org))
  AND len($orgs) > 0
  AND ($teams::VARCHAR[] IS NULL OR m.team IS NULL OR list_contains($teams, m.team))
  AND ($end::DATE IS NULL OR m.effective_date <= $end::DATE)
ORDER BY m.effective_date, m.mandate_id
