-- What each vendor's own cost report says it billed, beside our pricing of the usage exports,
-- per vendor, month and model family (a dated id is counted under its price key, so
-- claude-sonnet-4-5-20250929 and claude-sonnet-4-5 are one line), with what explains a gap.
-- Priced usage counts every usage row, mapped to a person or not; the explanation says how
-- much of it no person carries (the usage pages show only what is mapped).
WITH usage AS (
    SELECT
        lower(vendor) AS vendor,
        date_trunc('month', usage_date)::DATE AS month,
        coalesce(price_key, model) AS model_family,
        string_agg(DISTINCT model, ', ' ORDER BY model) AS models_seen,
        string_agg(DISTINCT tool, ', ' ORDER BY tool) AS tools,
        string_agg(DISTINCT service_tier, ', ' ORDER BY service_tier) AS tiers,
        sum(priced_cost_usd) AS priced_usd,
        coalesce(sum(priced_cost_usd) FILTER (WHERE cost_source = 'list_price'), 0) AS list_price_usd,
        coalesce(sum(priced_cost_usd) FILTER (WHERE cost_source = 'reported'), 0) AS source_reported_usd,
        coalesce(sum(priced_cost_usd) FILTER (WHERE cost_source = 'estimated'), 0) AS estimated_usd,
        coalesce(sum(total_tokens) FILTER (WHERE cost_source = 'unpriced'), 0)::BIGINT AS unpriced_tokens,
        coalesce(sum(priced_cost_usd) FILTER (WHERE employee_id IS NULL), 0) AS unmapped_usd,
        coalesce(sum(priced_cost_usd) FILTER (WHERE tier_at_standard), 0) AS tier_at_standard_usd,
        string_agg(DISTINCT service_tier, ', ' ORDER BY service_tier) FILTER (WHERE tier_at_standard)
            AS tiers_at_standard,
        string_agg(DISTINCT rate_note, '; ' ORDER BY rate_note) AS rate_sources
    FROM priced_vendor_usage AS priced
    GROUP BY ALL
),

invoiced AS (
    SELECT
        lower(c.vendor) AS vendor,
        date_trunc('month', c.cost_date)::DATE AS month,
        coalesce(b.price_key, c.model, '(not a model: ' || coalesce(c.cost_type, 'other') || ')') AS model_family,
        sum(c.amount_usd) AS vendor_reported_usd
    FROM stg_vendor_cost AS c
    LEFT JOIN mart_price_book AS b
        ON b.model = c.model AND b.effective_from <= c.cost_date AND c.cost_date < b.valid_to
    GROUP BY ALL
),

vendors_invoiced AS (SELECT DISTINCT vendor, month FROM invoiced),

joined AS (
    SELECT
        coalesce(i.vendor, u.vendor) AS vendor,
        coalesce(i.month, u.month) AS month,
        coalesce(i.model_family, u.model_family) AS model_family,
        u.models_seen,
        u.tools,
        u.tiers,
        i.vendor_reported_usd,
        u.priced_usd,
        u.list_price_usd,
        u.source_reported_usd,
        u.estimated_usd,
        u.unpriced_tokens,
        u.unmapped_usd,
        u.tier_at_standard_usd,
        u.tiers_at_standard,
        u.rate_sources,
        v.vendor IS NOT NULL AS has_cost_report
    FROM invoiced AS i
    FULL JOIN usage AS u USING (vendor, month, model_family)
    LEFT JOIN vendors_invoiced AS v
        ON v.vendor = coalesce(i.vendor, u.vendor) AND v.month = coalesce(i.month, u.month)
)

SELECT
    vendor,
    month,
    model_family,
    models_seen,
    tools,
    tiers,
    vendor_reported_usd,
    priced_usd,
    coalesce(priced_usd, 0) - coalesce(vendor_reported_usd, 0) AS difference_usd,
    list_price_usd,
    source_reported_usd,
    estimated_usd,
    unpriced_tokens,
    unmapped_usd,
    tier_at_standard_usd,
    rate_sources,
    nullif(concat_ws('; ',
        CASE WHEN NOT has_cost_report THEN 'no cost report loaded for this vendor and month' END,
        CASE WHEN has_cost_report AND priced_usd IS NULL
             THEN 'billed, but no usage export holds this model this month' END,
        CASE WHEN has_cost_report AND vendor_reported_usd IS NULL AND priced_usd IS NOT NULL
             THEN 'usage priced, but the cost report bills nothing under this model' END,
        CASE WHEN unpriced_tokens > 0
             THEN format('{:,} tokens of {} have no price (add the model to model_prices)', unpriced_tokens,
                         models_seen) END,
        CASE WHEN tier_at_standard_usd > 0
             THEN format('${:,.2f} of {} tier usage priced at the standard rate (no multiplier known for the tier)',
                         tier_at_standard_usd, tiers_at_standard) END,
        CASE WHEN estimated_usd > 0
             THEN format('${:,.2f} is the vendor''s estimate (Claude Code), not billed per token for subscription seats',
                         estimated_usd) END,
        CASE WHEN source_reported_usd > 0
             THEN format('${:,.2f} is cost reported by the source ({})', source_reported_usd, tools) END,
        CASE WHEN unmapped_usd > 0
             THEN format('${:,.2f} belongs to identities mapped to nobody: counted here, not on the usage pages',
                         unmapped_usd) END,
        CASE WHEN vendor_reported_usd IS NOT NULL AND priced_usd IS NOT NULL
              AND abs(priced_usd - vendor_reported_usd) < 0.005 THEN 'matches to the cent' END
    ), '') AS explanation
FROM joined
WHERE $month::DATE IS NULL OR month = $month::DATE
ORDER BY month DESC, vendor, model_family
