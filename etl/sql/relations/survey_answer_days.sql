-- Every day a survey response of the loaded files was submitted on.
SELECT DISTINCT CAST(submitted_at AS DATE) AS day
FROM survey_responses
