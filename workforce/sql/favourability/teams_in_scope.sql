-- Every team of some orgs ($orgs) in the HR data, whether or not anyone in it answered: the focus
-- grid offers these, so a team nobody answered for and a suppressed one read the same.
SELECT DISTINCT org, team
FROM stg_job_history
WHERE list_contains($orgs::VARCHAR[], org)
ORDER BY org, team
