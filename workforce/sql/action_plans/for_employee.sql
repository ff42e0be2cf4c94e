-- The plans of the groups a person belongs to today: the whole company, their org, their team
-- (from their HR assignment on $today, not from any survey answer). Nothing about who answered.
WITH placed AS (
    SELECT a.org, a.team
    FROM int_assignments AS a
    WHERE a.employee_id = $employee_id AND a.valid_from <= $today AND (a.valid_to IS NULL OR $today < a.valid_to)
)
SELECT w.title AS wave, p.org, p.team,
       CASE WHEN p.org IS NULL THEN 'The whole company'
            WHEN p.team IS NULL THEN 'Your org (' || p.org || ')'
            ELSE 'Your team (' || p.team || ')' END AS "group",
       p.focus_label, p.heard, p.action, p.owner_role, p.due_on, p.status
FROM app_action_plans AS p
LEFT JOIN stg_survey_waves AS w USING (wave_id)
WHERE p.org IS NULL
   OR EXISTS (SELECT 1 FROM placed AS x WHERE x.org = p.org AND (p.team IS NULL OR x.team = p.team))
ORDER BY w.opens_on DESC NULLS LAST, p.org NULLS FIRST, p.team NULLS FIRST, p.due_on, p.plan_id
