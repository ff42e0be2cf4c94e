-- Every rate in use and where it comes from: one row per model name seen and price period,
-- then the tier multipliers.
SELECT
    model,
    price_key,
    rate_source,
    rate_note AS source,
    effective_from,
    nullif(valid_to, DATE 'infinity') AS valid_until,
    input_per_mtok,
    output_per_mtok,
    cache_read_per_mtok,
    cache_write_per_mtok AS cache_write_5m_per_mtok,
    cache_write_1h_per_mtok
FROM mart_price_book
ORDER BY model, effective_from
