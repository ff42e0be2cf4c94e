-- Dates to mark on trend charts: AI mandates that cover an org in scope (or the whole company)
-- taking effect, and the first day of each layoff wave that touched an org in scope (the org of
-- the person's last assignment: the int_assignments row that stops on the exit date).
SELECT effective_date AS day, 'AI mandate' AS kind,
       CASE WHEN org = '*' THEN 'Company' ELSE org END || ': ' || description AS label
FROM stg_ai_mandates
WHERE (org = '*' OR list_contains($orgs, org))
  AND effective_date BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
UNION ALL
SELECT min(x.exit_date) AS day, 'Layoff' AS kind, 'Layoff wave ' || coalesce(x.layoff_wave, '(unnamed)') AS label
FROM stg_exits AS x
JOIN int_assignments AS a ON a.employee_id = x.employee_id AND a.valid_to = x.exit_date
WHERE x.exit_type = 'layoff' AND list_contains($orgs, a.org)
GROUP BY x.layoff_wave
HAVING min(x.exit_date) BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
