-- The lattices stored at load for some waves at one minimum group size (see
-- workforce.privacy.store_wave_lattices); the caller uses one only under the wave's current
-- fingerprint.
SELECT wave_id, fingerprint, labels, exists_bits, hidden_bits, counts
FROM mart_survey_lattice
WHERE min_n = $min_n AND list_contains($wave_ids::VARCHAR[], wave_id)
