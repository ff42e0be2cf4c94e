-- Total budget of the orgs in scope for the months from $first_month to $last_month.
SELECT coalesce(sum(budget_usd), 0) AS budget_usd, count(DISTINCT month) AS months_with_budget
FROM stg_budgets
WHERE list_contains($orgs, org) AND month BETWEEN $first_month::DATE AND $last_month::DATE
