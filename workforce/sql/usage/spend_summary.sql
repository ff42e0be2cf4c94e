-- Headline figures for the filters: spend, tokens, the part priced from the list, and the
-- last 30 days against the 30 before them (ending on the last day with usage in range).
-- Runs over `usage_in_scope` (usage_in_scope.sql: the usage rows the filters select).
WITH filtered AS (
    SELECT usage_date, cost_usd, list_price_cost_usd, total_tokens, cache_read_tokens
    FROM usage_in_scope
),
last_day AS (SELECT max(usage_date) AS d FROM filtered)
SELECT
    coalesce(sum(cost_usd), 0) AS cost_usd,
    coalesce(sum(total_tokens), 0)::BIGINT AS total_tokens,
    coalesce(sum(list_price_cost_usd), 0) AS list_price_cost_usd,
    coalesce(sum(cache_read_tokens) / nullif(sum(total_tokens), 0), 0) AS cache_read_share,
    coalesce(sum(cost_usd) FILTER (WHERE usage_date > d - 30), 0) AS last_30d_cost_usd,
    coalesce(sum(cost_usd) FILTER (WHERE usage_date <= d - 30 AND usage_date > d - 60), 0) AS prior_30d_cost_usd,
    min(usage_date) AS first_day,
    d AS last_day
FROM filtered, last_day
GROUP BY d
