-- mart_usage_person_week restricted to the period an append rebuilds: [$lo, $hi) on week (etl/loading/append.py).
SELECT * FROM mart_usage_person_week WHERE week >= $lo AND week < $hi
