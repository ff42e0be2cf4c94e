-- Token intensity of every person on every analysis date (_analysis_dates): the log of
-- 1 + mean total tokens per calendar day over the 90 days before the date ([d-90, d)).
-- The mean is taken over the days the person was employed in that window (a new hire is
-- not diluted by days before their hire); days employed without usage count as zero.
-- log(1 + x) rather than log(x) keeps people with no usage in the analysis (log 0 is undefined).
-- Speed (20 M usage rows, 25 dates): the window edges (every d and d-90) cut the calendar
-- into buckets that never straddle an edge, usage is summed per person and bucket in one
-- pass, and each window is the sum of the buckets inside it.
WITH edges AS (
    SELECT DISTINCT edge
    FROM (
        SELECT ref_date AS edge FROM _analysis_dates
        UNION ALL
        SELECT ref_date - 90 FROM _analysis_dates
    )
),

buckets AS (
    SELECT edge AS bucket_start FROM edges
),

-- every calendar day from the earliest edge to the latest with the bucket it falls in: a few
-- hundred rows, so the usage rows find their bucket by a hash join on the day (2-3x faster
-- than an ASOF join of 20 M usage rows). Usage before the earliest edge or on and after the
-- latest (the latest reference date) is in no window: the inner join leaves it out.
days AS (
    SELECT d.day::DATE AS day, b.bucket_start
    FROM (
        SELECT unnest(range((SELECT min(edge) FROM edges), (SELECT max(edge) FROM edges), INTERVAL 1 DAY)) AS day
    ) AS d
    ASOF JOIN buckets AS b ON d.day >= b.bucket_start
),

bucket_usage AS (
    SELECT u.employee_id, d.bucket_start, sum(u.total_tokens) AS tokens
    FROM mart_usage_daily AS u
    JOIN days AS d ON d.day = u.usage_date
    GROUP BY u.employee_id, d.bucket_start
),

people AS (
    SELECT
        d.ref_date,
        e.employee_id,
        d.ref_date - greatest(e.hire_date, d.ref_date - 90) AS days_employed
    FROM _analysis_dates AS d
    JOIN stg_employees AS e ON e.hire_date < d.ref_date
    LEFT JOIN stg_exits AS x ON x.employee_id = e.employee_id
    WHERE x.exit_date IS NULL OR x.exit_date >= d.ref_date
),

windowed AS (
    SELECT d.ref_date, x.employee_id, sum(x.tokens) AS tokens
    FROM _analysis_dates AS d
    JOIN bucket_usage AS x
        ON x.bucket_start >= d.ref_date - 90
        AND x.bucket_start < d.ref_date
    GROUP BY d.ref_date, x.employee_id
),

final AS (
    SELECT
        p.ref_date,
        p.employee_id,
        coalesce(w.tokens, 0) / p.days_employed AS mean_daily_tokens,
        ln(1 + coalesce(w.tokens, 0) / p.days_employed) AS token_log
    FROM people AS p
    LEFT JOIN windowed AS w USING (ref_date, employee_id)
)

SELECT * FROM final
