-- The first day the data covers exits and usage: the earliest usage day, else the earliest exit.
SELECT coalesce((SELECT min(usage_date) FROM stg_token_usage), (SELECT min(exit_date) FROM stg_exits))
