-- The version of what survey figures are computed from, in one cheap read: the load's data
-- version and time, the marker the app writes when it creates, edits or closes a wave, and the
-- number of submissions (the app only ever adds them, one per person and wave). The pages'
-- cache keys on it (ui.session.cached).
SELECT
    coalesce((SELECT string_agg(value, '@' ORDER BY key) FROM app_meta
              WHERE key IN ('data_version', 'loaded_at', 'survey_waves_changed')), '')
    || ':' || (SELECT count(*) FROM stg_survey_submissions) AS version
