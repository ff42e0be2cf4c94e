-- Burn-down of one month's budget for the orgs in scope: every day of the month with the
-- day's spend, the cumulative spend, what is left of the budget, and the straight line from
-- the full budget on day one to zero at the month's end. Days after the data's last day
-- carry no spend (NULL), so the line stops where the data stops.
WITH bounds AS (
    SELECT date_trunc('month', $month::DATE)::DATE AS first_day,
        (date_trunc('month', $month::DATE) + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS last_day,
        (SELECT max(usage_date) FROM mart_usage_day WHERE whole_org) AS data_last_day
),
days AS (
    SELECT unnest(generate_series(first_day, last_day, INTERVAL 1 DAY))::DATE AS day FROM bounds
),
spend AS (
    SELECT usage_date AS day, sum(cost_usd) AS spend_usd
    FROM mart_usage_day, bounds
    WHERE whole_org AND list_contains($orgs, org) AND usage_date BETWEEN first_day AND last_day
    GROUP BY ALL
),
budget AS (
    SELECT sum(budget_usd) AS budget_usd
    FROM stg_budgets, bounds
    WHERE list_contains($orgs, org) AND month = first_day
)
SELECT
    d.day,
    CASE WHEN d.day <= b.data_last_day THEN coalesce(s.spend_usd, 0) END AS spend_usd,
    CASE WHEN d.day <= b.data_last_day
        THEN sum(coalesce(s.spend_usd, 0)) OVER (ORDER BY d.day) END AS cumulative_spend_usd,
    g.budget_usd,
    CASE WHEN d.day <= b.data_last_day
        THEN g.budget_usd - sum(coalesce(s.spend_usd, 0)) OVER (ORDER BY d.day) END AS remaining_usd,
    g.budget_usd * (1 - (d.day - b.first_day + 1) / (b.last_day - b.first_day + 1)) AS ideal_remaining_usd
FROM days AS d
CROSS JOIN bounds AS b
CROSS JOIN budget AS g
LEFT JOIN spend AS s USING (day)
ORDER BY d.day
