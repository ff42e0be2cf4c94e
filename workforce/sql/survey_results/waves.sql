-- Closed waves with at least one submission, in time order. A wave still open shows only its
-- live response rate (Survey waves page), never scores: results are read once it has closed.
SELECT w.wave_id, w.title, w.opens_on, w.closes_on
FROM stg_survey_waves AS w
WHERE w.closes_on < $today
  AND EXISTS (SELECT 1 FROM stg_survey_submissions AS s WHERE s.wave_id = w.wave_id)
ORDER BY w.opens_on, w.wave_id
