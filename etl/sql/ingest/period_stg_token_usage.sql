-- stg_token_usage restricted to the period an append rebuilds: [$lo, $hi) on usage_date (etl/loading/append.py).
SELECT * FROM stg_token_usage WHERE usage_date >= $lo AND usage_date < $hi
