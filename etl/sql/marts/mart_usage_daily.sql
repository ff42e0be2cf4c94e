-- Every usage row priced and attributed. Cost: the reported cost_usd when the source gave one;
-- otherwise list price from the price book row of the model name in effect that day (a dated
-- id such as claude-sonnet-4-5-20250929 is priced by its family), cache reads and writes at
-- their own prices (0 when the price row has none). Org and team: the person's assignment in effect that day.
-- Both lookups are range joins: a hash join on the model (or the person) with the day checked
-- against the row's validity interval, so the ~20M rows of company scale are matched against
-- the one or two price rows of their model and the few assignments of their person, never
-- against every row. (An ASOF join gave the same result but was many times slower here:
-- with only a handful of models, it sorts millions of rows per partition.)
WITH prices AS (
    -- one row per model name seen and period: prefix/alias matched, effective-dated
    -- (etl/sql/pricing/mart_price_book.sql, built before the marts)
    SELECT * FROM mart_price_book
),

final AS (
    SELECT
        u.usage_date,
        u.employee_id,
        a.org,
        a.team,
        u.tool,
        u.vendor,
        u.model,
        u.input_tokens,
        u.output_tokens,
        u.cache_read_tokens,
        u.cache_write_tokens,
        u.input_tokens + u.output_tokens + u.cache_read_tokens + u.cache_write_tokens AS total_tokens,
        u.requests,
        u.agent_seconds,
        coalesce(
            u.cost_usd,
            (u.input_tokens * p.input_per_mtok
             + u.output_tokens * p.output_per_mtok
             + u.cache_read_tokens * coalesce(p.cache_read_per_mtok, 0)
             + u.cache_write_tokens * coalesce(p.cache_write_per_mtok, 0)) / 1e6
        ) AS cost_usd,
        CAST(CASE WHEN u.cost_usd IS NULL THEN 'list_price' ELSE 'reported' END
             AS ENUM('reported', 'estimated', 'list_price', 'unpriced')) AS cost_source
    FROM stg_token_usage AS u
    LEFT JOIN int_assignments AS a
        ON a.employee_id = u.employee_id
       AND a.valid_from <= u.usage_date
       AND (a.valid_to IS NULL OR u.usage_date < a.valid_to)
    LEFT JOIN prices AS p
        ON p.model = u.model
       AND p.effective_from <= u.usage_date
       AND u.usage_date < p.valid_to
)

-- Usage loaded from vendor exports (etl/ingest.py), already priced and attributed the same way
-- and mapped to people through the identity map; unmapped identities are reported, not here.
SELECT * FROM final
UNION ALL BY NAME
SELECT * FROM mart_vendor_usage_daily
