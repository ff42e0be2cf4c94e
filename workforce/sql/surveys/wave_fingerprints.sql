-- Per source and wave ($wave_ids NULL: every wave), a fingerprint of the submissions by finest
-- reportable cell: how many, and a sum of per-row hashes of org, team, level and tenure band, so
-- the same multiset of cells gives the same fingerprint in any row order, and any change to it
-- (a new submission, a different placement) changes the fingerprint. The caller defines
-- `submission_rows(source, wave_id, org, team, level, tenure_band)`.
SELECT source, wave_id, count(*) AS submissions, sum(hash(org, team, level, tenure_band)::HUGEINT) AS cells_hash
FROM submission_rows
WHERE $wave_ids::VARCHAR[] IS NULL OR list_contains($wave_ids::VARCHAR[], wave_id)
GROUP BY source, wave_id
