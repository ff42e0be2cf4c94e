-- Plans of the given orgs (an HR partner's scope, already checked), and company-wide ones when
-- $company is true (admins), newest wave first.
SELECT p.plan_id, p.wave_id, w.title AS wave, p.org, p.team, p.focus, p.focus_label, p.heard, p.action,
       p.owner_role, p.due_on, p.status, p.revision, p.updated_by, p.updated_at
FROM app_action_plans AS p
LEFT JOIN stg_survey_waves AS w USING (wave_id)
WHERE list_contains($orgs, p.org) OR (p.org IS NULL AND $company)
ORDER BY w.opens_on DESC NULLS LAST, p.org NULLS FIRST, p.team NULLS FIRST, p.due_on, p.plan_id
