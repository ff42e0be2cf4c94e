-- A wave created in the app (its questions are written beside it, in the same transaction).
INSERT INTO stg_survey_waves (wave_id, title, opens_on, closes_on, audience_orgs, source, created_by, created_at)
VALUES ($wave_id, $title, $opens_on, $closes_on, $audience_orgs, 'app', $created_by, now()::TIMESTAMP)
