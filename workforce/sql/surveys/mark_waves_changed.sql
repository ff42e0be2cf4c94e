-- A new marker for the waves' state (created, edited or closed in the app): part of the pages'
-- cache key (cache_version.sql). Written in the change's transaction.
INSERT OR REPLACE INTO app_meta (key, value) VALUES ('survey_waves_changed', $marker)
