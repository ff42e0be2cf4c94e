-- mart_usage_team_day restricted to the period an append rebuilds: [$lo, $hi) on usage_date (etl/loading/append.py).
SELECT * FROM mart_usage_team_day WHERE usage_date >= $lo AND usage_date < $hi
