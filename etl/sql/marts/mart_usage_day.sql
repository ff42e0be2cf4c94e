-- Usage per day at two grains, in one table: one row per day, org, team, vendor, tool and model
-- (whole_org false), and the same added up over the org's teams (whole_org true, team NULL).
-- The usage page and the team-day alerts read this instead of mart_usage_daily (about 1/30 of
-- its rows at company scale). A query picks its grain with a bound value, always the same way:
--     WHERE whole_org = ($teams::VARCHAR[] IS NULL [AND $by <> 'team'])
-- the org rows (some 26 thousand at company scale) when no team filter or split applies, the
-- team rows (some 6 million) otherwise. Org rows come first, so reading them skips the team
-- rows' blocks. Built after mart_usage_daily.
SELECT * FROM (
    SELECT
        usage_date,
        org,
        team,
        -- the org row of each (day, org, vendor, tool, model) is its grouping set without team
        grouping(team) = 1 AS whole_org,
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
        coalesce(sum(cost_usd) FILTER (WHERE cost_source = 'list_price'), 0) AS list_price_cost_usd
    FROM mart_usage_daily
    GROUP BY GROUPING SETS ((usage_date, org, team, vendor, tool, model), (usage_date, org, vendor, tool, model))
)
ORDER BY whole_org DESC, usage_date, org
