-- The suppressed lattice of each wave at each stored minimum group size, written at load by
-- workforce.privacy.store_wave_lattices. `fingerprint` is the wave's submissions by finest cell
-- when it was built (surveys/wave_fingerprints.sql); `labels` (JSON) names the orgs, teams, levels
-- and bands; `exists_bits` and `hidden_bits` hold one bit per cell of the lattice's dense arrays,
-- `counts` the respondents of each existing cell (little-endian int32). Counts only: no
-- respondent-level data.
CREATE OR REPLACE TABLE mart_survey_lattice (
    wave_id VARCHAR NOT NULL,
    min_n INTEGER NOT NULL,
    fingerprint VARCHAR NOT NULL,
    labels VARCHAR NOT NULL,
    exists_bits BLOB NOT NULL,
    hidden_bits BLOB NOT NULL,
    counts BLOB NOT NULL
)
