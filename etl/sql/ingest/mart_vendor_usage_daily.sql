-- Vendor usage attributed to people, in the shape of mart_usage_daily (same columns, same
-- meaning) so a page or the core mart can UNION ALL the two. Org and team: the assignment in
-- effect that day, as mart_usage_daily does. Identities that map to nobody are not here: they
-- are reported by workforce.identity.unmapped_usage. One row per cost_source too (reported,
-- estimated, list_price, unpriced), so a page can say how much of a total is an estimate.
SELECT
    v.usage_date,
    v.employee_id,
    a.org,
    a.team,
    v.tool,
    v.vendor,
    v.model,
    sum(v.input_tokens)::BIGINT AS input_tokens,
    sum(v.output_tokens)::BIGINT AS output_tokens,
    sum(v.cache_read_tokens)::BIGINT AS cache_read_tokens,
    sum(v.cache_write_tokens)::BIGINT AS cache_write_tokens,
    sum(v.total_tokens)::BIGINT AS total_tokens,
    sum(v.requests)::BIGINT AS requests,
    sum(v.agent_seconds)::BIGINT AS agent_seconds,
    sum(v.priced_cost_usd) AS cost_usd,
    v.cost_source
FROM priced_vendor_usage AS v
ASOF LEFT JOIN stg_job_history AS a
    ON a.employee_id = v.employee_id AND v.usage_date >= a.effective_date
WHERE v.employee_id IS NOT NULL
GROUP BY ALL
