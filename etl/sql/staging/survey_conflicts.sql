-- Rows of the files that would collide with what the app wrote (checked inside the write
-- transaction, before anything is deleted): a wave id the app already uses, a response_id of
-- an app submission, or a person who already answered that wave in the app.
SELECT 'survey_waves' AS table_name, 'wave_id' AS column_name, i.wave_id AS value,
       'the app already created a wave with this wave_id' AS message
FROM _incoming_waves AS i
JOIN stg_survey_waves AS w ON w.wave_id = i.wave_id AND w.source <> 'file'
UNION ALL
SELECT 'survey_responses', 'response_id', i.response_id,
       'the app already stored a submission with this response_id'
FROM _submissions AS i
JOIN stg_survey_submissions AS s ON s.response_id = i.response_id AND s.source <> 'file'
UNION ALL
SELECT 'survey_responses', 'employee_id', i.wave_id,
       'the person already answered this wave in the app'
FROM _submissions AS i
JOIN _pseudonyms AS p ON p.employee_id = i.employee_id AND p.wave_id = i.wave_id
JOIN stg_survey_submissions AS s
    ON s.respondent_key = p.respondent_key AND s.wave_id = i.wave_id AND s.source <> 'file'
