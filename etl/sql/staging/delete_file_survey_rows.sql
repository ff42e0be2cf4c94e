-- A reload replaces what files brought and keeps what the app wrote. Answers and questions
-- have no source column: they follow their submission and their wave.
DELETE FROM stg_survey_answers
WHERE response_id IN (SELECT response_id FROM stg_survey_submissions WHERE source = 'file');
DELETE FROM stg_survey_submissions WHERE source = 'file';
DELETE FROM stg_survey_questions
WHERE wave_id IN (SELECT wave_id FROM stg_survey_waves WHERE source = 'file');
DELETE FROM stg_survey_waves WHERE source = 'file';
