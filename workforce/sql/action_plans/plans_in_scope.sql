-- Plans an HR partner or admin manages: those of $orgs (an HR partner's scope, checked by the
-- caller), or every plan when $every (admins, company-wide ones included); newest wave first.
SELECT p.plan_id, p.wave_id, w.title AS wave, p.org, p.team, p.focus, p.focus_label, p.heard, p.action,
       p.owner_role, p.due_on, p.status, p.revision, p.updated_by, p.updated_at
FROM app_action_plans AS p
LEFT JOIN stg_survey_waves AS w USING (wave_id)
WHERE $every OR list_contains($orgs, p.org)
ORDER BY w.opens_on DESC NULLS LAST, p.org NULLS FIRST, p.team NULLS FIRST, p.due_on, p.plan_id
