-- One row per ISO week (Monday), person and the org/team their usage counted against:
-- active users, adoption and the week-level tokenmaxxing signals read this, never the raw
-- rows. A person who moved org mid-week has one row per org. Built after mart_usage_daily.
SELECT
    date_trunc('week', usage_date)::DATE AS week,
    employee_id,
    org,
    team,
    sum(total_tokens)::BIGINT AS total_tokens,
    coalesce(sum(total_tokens) FILTER (WHERE vendor = 'in-house'), 0)::BIGINT AS in_house_tokens,
    sum(requests)::BIGINT AS requests,
    sum(coalesce(agent_seconds, 0))::BIGINT AS agent_seconds,
    sum(cost_usd) AS cost_usd,
    count(DISTINCT usage_date) AS active_days
FROM mart_usage_daily
GROUP BY ALL
