-- Whether this respondent (a per-wave pseudonym) already answered the wave.
SELECT count(*) > 0 FROM stg_survey_submissions WHERE wave_id = $wave_id AND respondent_key = $respondent_key
