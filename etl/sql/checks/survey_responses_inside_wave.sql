-- Answers are given while the wave is open: opens_on <= day of submitted_at (UTC) <= closes_on,
-- both days included.
-- table: survey_responses
-- column: submitted_at
-- severity: error
-- rule: inside_wave
-- message: must fall inside the wave's open dates (opens_on to closes_on, both included)
SELECT r._row,
       CAST(r.submitted_at AS VARCHAR) || ' outside ' || CAST(w.opens_on AS VARCHAR) || '..' || CAST(w.closes_on AS VARCHAR) AS value
FROM survey_responses AS r
JOIN survey_waves AS w USING (wave_id)
WHERE CAST(r.submitted_at AS DATE) < w.opens_on OR CAST(r.submitted_at AS DATE) > w.closes_on
