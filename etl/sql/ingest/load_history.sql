SELECT
    h.load_id,
    h.loaded_by,
    h.loaded_at,
    string_agg(f.name || ' (' || f.kind || ': ' || f.source || ', ' || f.rows_added || ' rows, sha256 '
               || left(f.sha256, 12) || '…)', '; ' ORDER BY f.name) AS files,
    h.rows_added,
    h.status,
    h.rolled_back_by,
    h.rolled_back_at
FROM app_load_history AS h
LEFT JOIN app_load_files AS f USING (load_id)
GROUP BY ALL
ORDER BY h.loaded_at DESC, h.load_id DESC
