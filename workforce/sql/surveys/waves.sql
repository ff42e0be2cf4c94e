-- Every wave with its question count and respondents so far, newest first.
SELECT
    w.wave_id,
    w.title,
    w.opens_on,
    w.closes_on,
    w.audience_orgs,
    w.source,
    w.created_by,
    (SELECT count(*) FROM stg_survey_questions AS q WHERE q.wave_id = w.wave_id) AS questions
FROM stg_survey_waves AS w
ORDER BY w.opens_on DESC, w.wave_id
