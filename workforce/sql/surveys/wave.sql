-- One wave by id.
SELECT wave_id, title, opens_on, closes_on, audience_orgs, source
FROM stg_survey_waves
WHERE wave_id = $wave_id
