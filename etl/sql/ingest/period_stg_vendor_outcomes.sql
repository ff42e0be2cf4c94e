-- stg_vendor_outcomes restricted to the period an append rebuilds: [$lo, $hi) on week_start (etl/loading/append.py).
SELECT * FROM stg_vendor_outcomes WHERE week_start >= $lo AND week_start < $hi
