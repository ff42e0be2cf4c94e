-- Usage kept but attributed to nobody, one row per source identity: what an admin maps next,
-- with what the vendor's member list says about it (a name, an email no employee has).
SELECT
    priced.source,
    priced.identity_kind,
    priced.identity,
    any_value(d.name) AS listed_name,
    any_value(d.email) AS listed_email,
    count(*) AS usage_rows,
    sum(priced.total_tokens)::BIGINT AS total_tokens,
    sum(priced.priced_cost_usd) AS cost_usd,
    count(*) FILTER (WHERE priced.cost_source = 'unpriced') AS unpriced_rows,
    min(priced.usage_date) AS first_day,
    max(priced.usage_date) AS last_day
FROM priced_vendor_usage AS priced
LEFT JOIN app_identity_directory AS d
    ON d.identity_kind = priced.identity_kind AND d.identity = priced.identity
WHERE priced.employee_id IS NULL
GROUP BY priced.source, priced.identity_kind, priced.identity
ORDER BY cost_usd DESC NULLS LAST, total_tokens DESC, priced.identity
