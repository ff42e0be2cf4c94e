-- The price of every model name seen in usage and cost reports, one row per name and period of
-- validity: which price key it matched, where that rate comes from, and every rate (USD per
-- million tokens). Both usage marts price from here, so a model name is priced one way.
--
-- Matching: a price key (a model_prices `model`, or a bundled rate card family with its
-- aliases) matches a usage name equal to it, or the name followed only by a date or version
-- suffix: `claude-sonnet-4-5` prices `claude-sonnet-4-5-20250929`, `claude-sonnet-4-5@20250929`
-- and `...-v1:0`; `gpt-5` prices `gpt-5-2025-08-07` but never `gpt-5-mini` (not a suffix).
-- Cloud prefixes (`us.anthropic.`, `openai/`) are ignored. Of the keys that match, the
-- company's own model_prices wins over the rate card, then the longest key; then the row in
-- effect on the day (effective_from until that key's next row).
-- 1-hour cache writes: the rate card gives their rate; a model_prices row (the contract has no
-- column for it) prices them at 2 × input for Anthropic, the vendor's documented multiplier.
WITH rates AS (
    SELECT model AS price_key, vendor, effective_from, input_per_mtok, output_per_mtok,
        cache_read_per_mtok, cache_write_per_mtok,
        CASE WHEN lower(vendor) = 'anthropic' THEN 2 * input_per_mtok END AS cache_write_1h_per_mtok,
        'model_prices' AS rate_source, 1 AS precedence,
        'model_prices file' || CASE WHEN lower(vendor) = 'anthropic'
            THEN '; 1-hour cache writes at 2 × input (Anthropic''s multiplier)' ELSE '' END AS rate_note
    FROM stg_model_prices
    UNION ALL
    SELECT model, vendor, effective_from, input_per_mtok, output_per_mtok, cache_read_per_mtok,
        cache_write_per_mtok, cache_write_1h_per_mtok, 'rate card', 2, 'bundled rate card: ' || source
    FROM ref_rate_card
),

names AS (
    SELECT DISTINCT price_key, rate_source, precedence, price_key AS name FROM rates
    UNION
    SELECT model, 'rate card', 2, trim(unnest(string_split(aliases, ' ')))
    FROM ref_rate_card
    WHERE coalesce(aliases, '') <> ''
),

seen AS (
    SELECT model FROM stg_token_usage
    UNION
    SELECT model FROM stg_vendor_usage
    UNION
    SELECT model FROM stg_vendor_cost WHERE model IS NOT NULL
),

bare AS (
    SELECT model,
        regexp_replace(lower(model), '^((us|eu|apac|global|anthropic|openai|azure|bedrock|vertex_ai)[./])+', '')
            AS bare
    FROM seen
),

matched AS (
    SELECT b.model,
        arg_min(n.price_key, (n.precedence, -length(n.name))) AS price_key,
        arg_min(n.rate_source, (n.precedence, -length(n.name))) AS rate_source
    FROM bare AS b
    JOIN names AS n
        ON starts_with(b.bare, lower(n.name))
       AND regexp_full_match(substr(b.bare, length(n.name) + 1),
                             '([-@](\d{8}|\d{4}-\d{2}-\d{2}|latest))?([-:@]?v\d+(:\d+)?)?')
    GROUP BY b.model
),

final AS (
    SELECT
        m.model,
        m.price_key,
        r.vendor,
        m.rate_source,
        r.rate_note,
        r.effective_from,
        coalesce(lead(r.effective_from) OVER (PARTITION BY m.model ORDER BY r.effective_from),
                 DATE 'infinity') AS valid_to,
        r.input_per_mtok,
        r.output_per_mtok,
        r.cache_read_per_mtok,
        r.cache_write_per_mtok,
        r.cache_write_1h_per_mtok
    FROM matched AS m
    JOIN rates AS r ON r.price_key = m.price_key AND r.rate_source = m.rate_source
)

SELECT * FROM final
