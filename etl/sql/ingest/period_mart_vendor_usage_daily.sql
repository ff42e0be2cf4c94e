-- mart_vendor_usage_daily restricted to the period an append rebuilds: [$lo, $hi) on usage_date (etl/loading/append.py).
SELECT * FROM mart_vendor_usage_daily WHERE usage_date >= $lo AND usage_date < $hi
