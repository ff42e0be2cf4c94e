-- A scheduled wave's title, dates and audience, edited before it opens.
UPDATE stg_survey_waves
SET title = $title, opens_on = $opens_on, closes_on = $closes_on, audience_orgs = $audience_orgs
WHERE wave_id = $wave_id
