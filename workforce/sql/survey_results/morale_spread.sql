-- Respondent count, mean and standard deviation of the morale index per wave ($wave_ids) in the
-- orgs of $orgs, split by whether the org is in $mandated. Reads mart_survey_responses; a
-- respondent counts when they answered a morale question. Called only for waves where the
-- confidentiality layer has cleared both the whole set and the mandated orgs.
SELECT
    wave_id,
    list_contains($mandated::VARCHAR[], org) AS mandated,
    count(score_morale) AS respondents,
    avg(score_morale) AS morale_index,
    stddev_samp(score_morale) AS morale_sd
FROM mart_survey_responses
WHERE list_contains($wave_ids::VARCHAR[], wave_id)
  AND list_contains($orgs::VARCHAR[], org)
GROUP BY ALL
