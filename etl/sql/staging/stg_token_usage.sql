-- AI usage per person, day, tool and model. Empty cache cells mean no cache traffic, so they
-- are stored as 0 and every sum of tokens needs no COALESCE; cost_usd stays NULL when the
-- source gave none (mart_usage_daily prices those rows from model_prices).
SELECT
    usage_date,
    employee_id,
    tool,
    vendor,
    model,
    input_tokens,
    output_tokens,
    coalesce(cache_read_tokens, 0) AS cache_read_tokens,
    coalesce(cache_write_tokens, 0) AS cache_write_tokens,
    requests,
    agent_seconds,
    cost_usd
FROM token_usage
