-- An in-app submission: the respondent's per-wave pseudonym, the day (never the time) and where
-- they sat as generalised for the minimum group (NULL = withheld), exactly as a file row is stored.
INSERT INTO stg_survey_submissions (response_id, wave_id, respondent_key, submitted_at, org, team, level,
                                    tenure_band, source)
VALUES ($response_id, $wave_id, $respondent_key, $submitted_at, $org, $team, $level, $tenure_band, 'app')
