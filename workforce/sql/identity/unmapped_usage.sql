-- Usage kept but attributed to nobody, one row per source identity: what an admin maps next.
SELECT
    source,
    identity_kind,
    identity,
    count(*) AS usage_rows,
    sum(total_tokens)::BIGINT AS total_tokens,
    sum(priced_cost_usd) AS cost_usd,
    count(*) FILTER (WHERE cost_source = 'unpriced') AS unpriced_rows,
    min(usage_date) AS first_day,
    max(usage_date) AS last_day
FROM ({priced_vendor_usage}) AS priced
WHERE employee_id IS NULL
GROUP BY source, identity_kind, identity
ORDER BY total_tokens DESC, identity
