-- One row per submission (a respondent in a wave), file and app submissions alike. The morale
-- index is the mean of the respondent's likert5 answers to morale-theme questions; eNPS and
-- text answers never enter it, whatever their theme. enps_value is the eNPS answer (the mean,
-- should a wave ask more than one). No employee id; placement as stored (NULL = withheld).
SELECT
    s.wave_id,
    s.response_id,
    s.org,
    s.team,
    s.level,
    s.tenure_band,
    avg(a.value) FILTER (WHERE q.kind = 'likert5' AND q.theme = 'morale') AS morale_index,
    avg(a.value) FILTER (WHERE q.kind = 'enps') AS enps_value
FROM stg_survey_submissions AS s
LEFT JOIN stg_survey_answers AS a ON a.response_id = s.response_id
LEFT JOIN stg_survey_questions AS q ON q.wave_id = s.wave_id AND q.question_id = a.question_id
GROUP BY s.wave_id, s.response_id, s.org, s.team, s.level, s.tenure_band
