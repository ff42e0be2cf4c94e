-- One row per day, org, team, vendor, tool and model: what the usage page reads instead of
-- mart_usage_daily (about 1/30 of its rows at company scale). Built after mart_usage_daily.
-- `users` counts distinct people of that cell only; it does not add up across cells.
SELECT
    usage_date,
    org,
    team,
    vendor,
    tool,
    model,
    sum(input_tokens)::BIGINT AS input_tokens,
    sum(output_tokens)::BIGINT AS output_tokens,
    sum(cache_read_tokens)::BIGINT AS cache_read_tokens,
    sum(cache_write_tokens)::BIGINT AS cache_write_tokens,
    sum(total_tokens)::BIGINT AS total_tokens,
    sum(requests)::BIGINT AS requests,
    sum(coalesce(agent_seconds, 0))::BIGINT AS agent_seconds,
    sum(cost_usd) AS cost_usd,
    -- the part priced from model_prices because the source gave no cost
    coalesce(sum(cost_usd) FILTER (WHERE cost_source = 'list_price'), 0) AS list_price_cost_usd,
    count(DISTINCT employee_id) AS users
FROM mart_usage_daily
GROUP BY ALL
