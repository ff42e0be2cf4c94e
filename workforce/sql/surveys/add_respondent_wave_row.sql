-- The new submission's row of mart_survey_respondent_wave (the analytics' per-respondent mart),
-- from the loader's own SQL of that mart (declared as `built`), in the submission's transaction.
INSERT INTO mart_survey_respondent_wave BY NAME
SELECT * FROM built WHERE response_id = $response_id
