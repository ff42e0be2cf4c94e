-- Waves closed before $today that hold submissions, oldest first: the waves favourability and
-- focus areas are shown for (an open wave's figures would move with each submission).
-- whole_company: the wave was asked of everyone (employees see results of those only).
SELECT w.wave_id, w.title, w.opens_on, w.closes_on, w.audience_orgs IS NULL AS whole_company
FROM stg_survey_waves AS w
WHERE w.closes_on < $today
  AND EXISTS (SELECT 1 FROM stg_survey_submissions AS s WHERE s.wave_id = w.wave_id)
ORDER BY w.closes_on, w.wave_id
