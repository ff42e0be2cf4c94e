-- Vendor usage with a cost on every row it can be given one, and where that cost comes from.
-- cost_source: 'reported' (the source billed it: LiteLLM spend, Copilot credits), 'estimated'
-- (the vendor's own estimate: Claude Code), 'list_price' (tokens × the price book's rate in
-- effect on the day, etl/sql/pricing/mart_price_book.sql), 'unpriced' (no cost and no rate).
-- List price: input, output and cache reads at their rates; cache writes at the 5-minute rate
-- except their 1-hour part at the 1-hour rate (the 5-minute rate when none is known); all of
-- it × the tier's multiplier (batch and flex at half); a tier without a multiplier (priority)
-- at the standard rate, flagged tier_at_standard. list_price_usd is computed on every priced
-- row, reported or not, so reconciliation can set it beside the reported amount.
WITH priced AS (
    SELECT
        u.*,
        u.input_tokens + u.output_tokens + u.cache_read_tokens + u.cache_write_tokens AS total_tokens,
        (u.input_tokens * p.input_per_mtok
         + u.output_tokens * p.output_per_mtok
         + u.cache_read_tokens * coalesce(p.cache_read_per_mtok, 0)
         + (u.cache_write_tokens - coalesce(u.cache_write_1h_tokens, 0)) * coalesce(p.cache_write_per_mtok, 0)
         + coalesce(u.cache_write_1h_tokens, 0)
           * coalesce(p.cache_write_1h_per_mtok, p.cache_write_per_mtok, 0)
        ) / 1e6 * coalesce(t.multiplier, 1) AS list_price_usd,
        p.model IS NOT NULL AS has_price,
        p.price_key,
        p.rate_source,
        p.rate_note,
        coalesce(u.service_tier, 'standard') <> 'standard' AND t.multiplier IS NULL AS tier_at_standard
    FROM stg_vendor_usage AS u
    LEFT JOIN mart_price_book AS p
        ON p.model = u.model
       AND p.effective_from <= u.usage_date
       AND u.usage_date < p.valid_to
    LEFT JOIN ref_tier_multipliers AS t
        ON t.vendor = lower(u.vendor) AND t.service_tier = u.service_tier
)

SELECT
    *,
    coalesce(cost_usd, list_price_usd) AS priced_cost_usd,
    CASE
        WHEN cost_usd IS NOT NULL THEN coalesce(cost_basis, 'reported')
        WHEN has_price THEN 'list_price'
        ELSE 'unpriced'
    END AS cost_source
FROM priced
