-- Key/value facts about the loaded data (data_version, loaded_at, as_of, source, ...). Owned
-- by the application: created when missing, its other keys never touched by a load.
CREATE TABLE IF NOT EXISTS app_meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);
