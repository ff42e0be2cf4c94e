-- Whether an org (and team of it, when given) exists in the HR data.
SELECT count(*) > 0
FROM stg_job_history
WHERE org = $org AND ($team IS NULL OR team = $team)
