-- Spend and tokens per period and group (org, team, vendor, tool or model) in the viewer's scope.
-- The 7 groups with the most spend in the date range keep their name and the rest add up to
-- 'Other', so a chart never gets more than 8 series. Periods without usage are rows of zeros.
-- grain: day, week (Monday), month, or rolling30 = each day's trailing 30 calendar days,
-- which reaches back 29 days before $start so the first days of the range are whole windows.
-- Grain: mart_usage_day's org rows unless a team filter or the split by team needs its team rows.
WITH filtered AS (
    SELECT
        usage_date,
        CASE $by
            WHEN 'org' THEN org
            WHEN 'team' THEN org || ' / ' || team
            WHEN 'vendor' THEN vendor
            WHEN 'tool' THEN tool
            ELSE model
        END AS grp,
        cost_usd, list_price_cost_usd, input_tokens, output_tokens,
        cache_read_tokens, cache_write_tokens, total_tokens
    FROM mart_usage_day
    WHERE whole_org = ($teams::VARCHAR[] IS NULL AND $by <> 'team')
      AND list_contains($orgs, org)
      AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
      AND ($vendors::VARCHAR[] IS NULL OR list_contains($vendors, vendor))
      AND ($tools::VARCHAR[] IS NULL OR list_contains($tools, tool))
      AND ($start::DATE IS NULL
           OR usage_date >= $start::DATE - CASE WHEN $grain = 'rolling30' THEN 29 ELSE 0 END)
      AND ($end::DATE IS NULL OR usage_date <= $end::DATE)
),
bounds AS (
    SELECT coalesce($start::DATE, min(usage_date)) AS lo, coalesce($end::DATE, max(usage_date)) AS hi
    FROM filtered
),
ranked AS (
    SELECT grp, row_number() OVER (ORDER BY sum(cost_usd) DESC, grp) AS rank_by_spend
    FROM filtered, bounds
    WHERE usage_date >= lo
    GROUP BY grp
),
labelled AS (
    SELECT f.*, CASE WHEN r.rank_by_spend <= 7 THEN f.grp ELSE 'Other' END AS label
    FROM filtered AS f
    LEFT JOIN ranked AS r USING (grp)
),
daily AS (
    SELECT usage_date AS day, label,
        sum(cost_usd) AS cost_usd, sum(list_price_cost_usd) AS list_price_cost_usd,
        sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
        sum(cache_read_tokens) AS cache_read_tokens, sum(cache_write_tokens) AS cache_write_tokens,
        sum(total_tokens) AS total_tokens
    FROM labelled
    GROUP BY ALL
),
-- every day x label, so empty days count as zero in sums and rolling windows
grid AS (
    SELECT unnest(generate_series(lo - 29, hi, INTERVAL 1 DAY))::DATE AS day
    FROM bounds
    WHERE lo IS NOT NULL
),
dense AS (
    SELECT g.day, l.label,
        coalesce(d.cost_usd, 0) AS cost_usd, coalesce(d.list_price_cost_usd, 0) AS list_price_cost_usd,
        coalesce(d.input_tokens, 0) AS input_tokens, coalesce(d.output_tokens, 0) AS output_tokens,
        coalesce(d.cache_read_tokens, 0) AS cache_read_tokens,
        coalesce(d.cache_write_tokens, 0) AS cache_write_tokens,
        coalesce(d.total_tokens, 0) AS total_tokens
    FROM grid AS g
    CROSS JOIN (SELECT DISTINCT label FROM labelled) AS l
    LEFT JOIN daily AS d ON d.day = g.day AND d.label = l.label
),
rolling AS (
    SELECT day AS period, label AS "group",
        sum(cost_usd) OVER w AS cost_usd, sum(list_price_cost_usd) OVER w AS list_price_cost_usd,
        sum(input_tokens) OVER w AS input_tokens, sum(output_tokens) OVER w AS output_tokens,
        sum(cache_read_tokens) OVER w AS cache_read_tokens, sum(cache_write_tokens) OVER w AS cache_write_tokens,
        sum(total_tokens) OVER w AS total_tokens
    FROM dense
    WINDOW w AS (PARTITION BY label ORDER BY day ROWS BETWEEN 29 PRECEDING AND CURRENT ROW)
),
by_period AS (
    SELECT
        CASE $grain
            WHEN 'month' THEN date_trunc('month', day)
            WHEN 'week' THEN date_trunc('week', day)
            ELSE day
        END::DATE AS period,
        label AS "group",
        sum(cost_usd) AS cost_usd, sum(list_price_cost_usd) AS list_price_cost_usd,
        sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
        sum(cache_read_tokens) AS cache_read_tokens, sum(cache_write_tokens) AS cache_write_tokens,
        sum(total_tokens) AS total_tokens
    FROM dense, bounds
    WHERE day >= lo
    GROUP BY ALL
)
SELECT r.* FROM rolling AS r, bounds WHERE $grain = 'rolling30' AND r.period >= lo
UNION ALL
SELECT * FROM by_period WHERE $grain <> 'rolling30'
ORDER BY period, "group"
