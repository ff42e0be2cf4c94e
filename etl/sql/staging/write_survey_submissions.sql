-- The file's submissions, stored so that the database file alone names nobody (etl.placement,
-- etl.pseudonym): _submissions holds the scratch rows (with employee_id and the exact placement
-- of the day), _pseudonyms maps each (wave_id, employee_id) to its per-wave respondent_key, and
-- _placements maps each (day, exact cell) to the stored, generalised cell (NULL = withheld).
-- Only the pseudonym, the day and the stored cell are written, in pseudonym order (random), not
-- in the file's order.
INSERT INTO stg_survey_submissions BY NAME
SELECT
    i.response_id,
    i.wave_id,
    r.respondent_key,
    CAST(CAST(i.submitted_at AS DATE) AS TIMESTAMP) AS submitted_at,
    p.stored_org AS org,
    p.stored_team AS team,
    p.stored_level AS level,
    p.stored_tenure_band AS tenure_band,
    'file' AS source
FROM _submissions AS i
JOIN _pseudonyms AS r ON r.wave_id = i.wave_id AND r.employee_id = i.employee_id
JOIN _placements AS p
    ON p.day = CAST(i.submitted_at AS DATE)
    AND p.org = i.org AND p.team = i.team AND p.level = i.level AND p.tenure_band = CAST(i.tenure_band AS VARCHAR)
ORDER BY r.respondent_key
