-- Orgs with an org- or team-scoped AI mandate in effect on $day. Company-wide mandates ('*')
-- cover everyone, so they cannot split mandated from other orgs and are left out.
SELECT DISTINCT org
FROM stg_ai_mandates
WHERE org <> '*' AND effective_date <= CAST($day AS DATE)
ORDER BY org
