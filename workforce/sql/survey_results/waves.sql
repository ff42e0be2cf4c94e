-- Waves with at least one submission, in time order.
SELECT w.wave_id, w.title, w.opens_on, w.closes_on
FROM stg_survey_waves AS w
WHERE EXISTS (SELECT 1 FROM stg_survey_submissions AS s WHERE s.wave_id = w.wave_id)
ORDER BY w.opens_on, w.wave_id
