-- One row per day, org, vendor, tool and model: mart_usage_team_day added up over teams. The
-- usage page reads it whenever no team filter or team split applies (at company scale about
-- 26 thousand rows instead of 6 million). Built after mart_usage_team_day.
SELECT
    usage_date,
    org,
    vendor,
    tool,
    model,
    sum(input_tokens)::BIGINT AS input_tokens,
    sum(output_tokens)::BIGINT AS output_tokens,
    sum(cache_read_tokens)::BIGINT AS cache_read_tokens,
    sum(cache_write_tokens)::BIGINT AS cache_write_tokens,
    sum(total_tokens)::BIGINT AS total_tokens,
    sum(requests)::BIGINT AS requests,
    sum(agent_seconds)::BIGINT AS agent_seconds,
    sum(cost_usd) AS cost_usd,
    sum(list_price_cost_usd) AS list_price_cost_usd
FROM mart_usage_team_day
GROUP BY ALL
ORDER BY usage_date, org
