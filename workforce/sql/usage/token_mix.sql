-- Tokens per period by kind: uncached input, output, cache read and cache write, in the
-- viewer's scope. Cache reads are cheap and cache writes dear, so the mix explains spend
-- that tokens alone do not.
-- Runs over `usage_in_scope` (usage_in_scope.sql: the usage rows the filters select).
WITH filtered AS (
    SELECT
        CASE $grain
            WHEN 'month' THEN date_trunc('month', usage_date)
            WHEN 'day' THEN usage_date
            ELSE date_trunc('week', usage_date)
        END::DATE AS period,
        input_tokens, output_tokens, cache_read_tokens, cache_write_tokens
    FROM usage_in_scope
),
totals AS (
    SELECT period,
        sum(input_tokens) AS "uncached input",
        sum(output_tokens) AS "output",
        sum(cache_read_tokens) AS "cache read",
        sum(cache_write_tokens) AS "cache write"
    FROM filtered
    GROUP BY period
)
SELECT period, token_kind, tokens::BIGINT AS tokens,
    tokens / nullif(sum(tokens) OVER (PARTITION BY period), 0) AS share
FROM totals
UNPIVOT (tokens FOR token_kind IN ("uncached input", "output", "cache read", "cache write"))
ORDER BY period, token_kind
