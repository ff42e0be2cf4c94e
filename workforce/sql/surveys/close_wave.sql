-- Close an open wave early: its last day becomes $last_day (and it cannot open after it).
UPDATE stg_survey_waves
SET closes_on = $last_day, opens_on = least(opens_on, $last_day)
WHERE wave_id = $wave_id
