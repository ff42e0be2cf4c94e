-- A wave's questions, before they are written again (a scheduled wave being edited).
DELETE FROM stg_survey_questions WHERE wave_id = $wave_id
