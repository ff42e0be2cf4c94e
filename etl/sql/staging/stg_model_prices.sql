-- List prices in USD per million tokens, effective from a day until the model's next row.
-- Empty cache prices stay NULL (the mart prices those tokens at 0).
SELECT model, vendor, effective_from, input_per_mtok, output_per_mtok, cache_read_per_mtok, cache_write_per_mtok
FROM model_prices
