-- Whole-company waves open on $today (the demo opens one when there is none).
SELECT count(*) FROM stg_survey_waves
WHERE opens_on <= $today AND $today <= closes_on AND audience_orgs IS NULL
