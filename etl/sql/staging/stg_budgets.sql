-- AI spend budget per org and month (month = its first day).
SELECT org, month, budget_usd
FROM budgets
