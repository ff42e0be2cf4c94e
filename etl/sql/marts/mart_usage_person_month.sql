-- One row per calendar month and person with usage: cohorts, quotas and cost per change
-- read this. The org and team are those of the person's last usage day in the month, so a
-- person is counted once per month. Built after mart_usage_daily.
SELECT
    date_trunc('month', usage_date)::DATE AS month,
    employee_id,
    arg_max(org, usage_date) AS org,
    arg_max(team, usage_date) AS team,
    sum(total_tokens)::BIGINT AS total_tokens,
    sum(requests)::BIGINT AS requests,
    sum(coalesce(agent_seconds, 0))::BIGINT AS agent_seconds,
    sum(cost_usd) AS cost_usd,
    count(DISTINCT usage_date) AS active_days
FROM mart_usage_daily
GROUP BY ALL
