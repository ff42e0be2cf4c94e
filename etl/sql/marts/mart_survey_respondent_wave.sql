-- One row per submission (a respondent in a wave), file and app submissions alike, as the
-- analyses read it: the morale index is the respondent's mean likert5 answer to morale-theme
-- questions and enps_value their eNPS answer, both as mart_survey_responses defines them (eNPS
-- and text answers never enter the morale index, whatever their theme). No employee id;
-- placement as stored (NULL = withheld).
SELECT wave_id, response_id, org, team, level, tenure_band, score_morale AS morale_index, enps AS enps_value
FROM mart_survey_responses
