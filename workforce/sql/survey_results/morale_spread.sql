-- Respondent count, mean and standard deviation of the morale index for one wave and a set of
-- orgs. Called only for a set of orgs the confidentiality layer has cleared.
WITH per_respondent AS (
    SELECT s.response_id, avg(a.value) AS morale_index
    FROM stg_survey_submissions AS s
    JOIN stg_survey_answers AS a ON a.response_id = s.response_id
    JOIN stg_survey_questions AS q ON q.wave_id = s.wave_id AND q.question_id = a.question_id
    WHERE s.wave_id = $wave_id AND q.kind = 'likert5' AND q.theme = 'morale' AND a.value IS NOT NULL
      AND list_contains($orgs, s.org)
    GROUP BY ALL
)
SELECT count(*) AS respondents, avg(morale_index) AS morale_index, stddev_samp(morale_index) AS morale_sd
FROM per_respondent
