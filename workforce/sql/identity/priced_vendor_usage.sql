-- Vendor usage with a cost on every row it can be given one: the reported cost, else tokens ×
-- the list price in effect on the day (the latest model_prices row on or before usage_date).
-- Cache reads and writes at their own prices, 0 when the price row has none: exactly as
-- etl/sql/marts/mart_usage_daily.sql prices contract usage. cost_source says which; 'unpriced'
-- when neither exists.
SELECT
    u.*,
    u.input_tokens + u.output_tokens + u.cache_read_tokens + u.cache_write_tokens AS total_tokens,
    coalesce(
        u.cost_usd,
        (u.input_tokens * p.input_per_mtok
         + u.output_tokens * p.output_per_mtok
         + u.cache_read_tokens * coalesce(p.cache_read_per_mtok, 0)
         + u.cache_write_tokens * coalesce(p.cache_write_per_mtok, 0)) / 1e6
    ) AS priced_cost_usd,
    CASE
        WHEN u.cost_usd IS NOT NULL THEN 'reported'
        WHEN p.model IS NOT NULL THEN 'list_price'
        ELSE 'unpriced'
    END AS cost_source
FROM stg_vendor_usage AS u
ASOF LEFT JOIN stg_model_prices AS p
    ON u.model = p.model AND u.usage_date >= p.effective_from
