-- A row without cost_usd is priced from model_prices; without a price in effect on the day the
-- spend would silently be missing from every total.
-- table: token_usage
-- column: model
-- severity: error
-- rule: priced(model_prices)
-- message: cost_usd is empty and model_prices has no price for this model in effect on usage_date
WITH first_price AS (
    SELECT model, min(effective_from) AS first_from
    FROM model_prices
    WHERE model IS NOT NULL AND effective_from IS NOT NULL
    GROUP BY model
)
SELECT u._row, u.model || ' on ' || CAST(u.usage_date AS VARCHAR) AS value
FROM token_usage AS u
LEFT JOIN first_price AS p USING (model)
WHERE u.cost_usd IS NULL
  AND u.model IS NOT NULL AND u.usage_date IS NOT NULL
  AND (p.first_from IS NULL OR u.usage_date < p.first_from)
