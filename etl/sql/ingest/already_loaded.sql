-- Files (by content hash) held by a load that is still in effect.
SELECT f.sha256, f.name, h.load_id, h.loaded_by, h.loaded_at
FROM app_load_files AS f
JOIN app_load_history AS h USING (load_id)
WHERE h.status IN ('loaded', 'snapshot') AND list_contains(?, f.sha256)
