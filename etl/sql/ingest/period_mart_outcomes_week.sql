-- mart_outcomes_week restricted to the period an append rebuilds: [$lo, $hi) on week_start (etl/loading/append.py).
SELECT * FROM mart_outcomes_week WHERE week_start >= $lo AND week_start < $hi
