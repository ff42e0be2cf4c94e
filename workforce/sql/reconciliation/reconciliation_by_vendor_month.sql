-- Vendor-reported against priced spend per vendor and month (the lines of spend_reconciliation
-- summed), for the chart and the headline table.
SELECT
    vendor,
    month,
    sum(vendor_reported_usd) AS vendor_reported_usd,
    sum(priced_usd) AS priced_usd,
    coalesce(sum(priced_usd), 0) - coalesce(sum(vendor_reported_usd), 0) AS difference_usd,
    sum(unmapped_usd) AS unmapped_usd,
    sum(unpriced_tokens)::BIGINT AS unpriced_tokens,
    sum(tier_at_standard_usd) AS tier_at_standard_usd
FROM spend_reconciliation AS lines
GROUP BY ALL
ORDER BY month DESC, vendor
