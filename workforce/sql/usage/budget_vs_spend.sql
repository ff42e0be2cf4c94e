-- Spend against budget per org and month. Budgets are per org, so team, vendor and tool
-- filters do not apply here: a budget is only comparable with the org's whole spend (the org
-- rows of mart_usage_day).
WITH spend AS (
    SELECT org, date_trunc('month', usage_date)::DATE AS month, sum(cost_usd) AS spend_usd
    FROM mart_usage_day
    WHERE whole_org AND list_contains($orgs, org)
    GROUP BY ALL
),
budgets AS (
    SELECT org, month, sum(budget_usd) AS budget_usd
    FROM stg_budgets
    WHERE list_contains($orgs, org)
    GROUP BY ALL
)
SELECT org, month, b.budget_usd, coalesce(s.spend_usd, 0) AS spend_usd,
    coalesce(s.spend_usd, 0) / nullif(b.budget_usd, 0) AS share_of_budget,
    b.budget_usd - coalesce(s.spend_usd, 0) AS remaining_usd
FROM budgets AS b
FULL JOIN spend AS s USING (org, month)
WHERE month <= (SELECT max(usage_date) FROM mart_usage_day WHERE whole_org)
  AND month >= (SELECT date_trunc('month', min(usage_date)) FROM mart_usage_day WHERE whole_org)
  AND ($start::DATE IS NULL OR month >= date_trunc('month', $start::DATE))
  AND ($end::DATE IS NULL OR month <= $end::DATE)
ORDER BY month, org
