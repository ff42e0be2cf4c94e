-- The new submission's row of mart_survey_responses, from the loader's own SQL of that mart
-- (declared as `built`), in the submission's transaction: the mart every survey figure reads
-- stays exactly the submissions' (file and app alike).
INSERT INTO mart_survey_responses BY NAME
SELECT * FROM built WHERE response_id = $response_id
