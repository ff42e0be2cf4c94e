-- The ai_mandates rows the mandate estimator needs: scope (org, or '*' for everyone; team narrows
-- it to one team) and the date it takes effect (the announcement is not the treatment).
SELECT org, team, effective_date
FROM stg_ai_mandates
ORDER BY effective_date, org, team
