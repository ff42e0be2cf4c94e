-- Model names seen in usage that no price key matches: their tokens cost nothing in any total.
SELECT lower(vendor) AS vendor, model, sum(total_tokens)::BIGINT AS total_tokens, count(*) AS usage_rows,
    min(usage_date) AS first_day, max(usage_date) AS last_day
FROM priced_vendor_usage AS priced
WHERE cost_source = 'unpriced'
GROUP BY ALL
ORDER BY total_tokens DESC
