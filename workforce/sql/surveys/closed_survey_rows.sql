-- Submissions and answers of the waves closed before $today: the Overview's row counts of the
-- survey tables, which must not move with each submission to an open wave.
WITH closed AS (
    SELECT wave_id FROM stg_survey_waves WHERE closes_on < $today
),

submissions AS (
    SELECT s.response_id
    FROM stg_survey_submissions AS s
    WHERE s.wave_id IN (SELECT wave_id FROM closed)
)

SELECT
    (SELECT count(*) FROM submissions) AS submissions,
    (SELECT count(*) FROM stg_survey_answers WHERE response_id IN (SELECT response_id FROM submissions)) AS answers
