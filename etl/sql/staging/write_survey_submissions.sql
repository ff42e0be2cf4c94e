-- The file's submissions, their people replaced by pseudonyms on the way in: _submissions holds
-- the scratch rows (with employee_id and manager_id), _pseudonyms maps every such id to its
-- respondent_key and manager_key. Only the keys are written.
INSERT INTO stg_survey_submissions BY NAME
SELECT
    i.response_id,
    i.wave_id,
    r.respondent_key,
    i.submitted_at,
    i.org,
    i.team,
    m.manager_key,
    i.level,
    i.tenure_band,
    i.manager_span,
    'file' AS source
FROM _submissions AS i
JOIN _pseudonyms AS r ON r.employee_id = i.employee_id
LEFT JOIN _pseudonyms AS m ON m.employee_id = i.manager_id
