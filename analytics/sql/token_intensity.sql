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

-- usage before the earliest edge is in no window: the inner ASOF join leaves it out
bucket_usage AS (
    SELECT u.employee_id, b.bucket_start, sum(u.total_tokens) AS tokens
    FROM mart_usage_daily AS u
    ASOF JOIN buckets AS b ON u.usage_date >= b.bucket_start
    GROUP BY u.employee_id, b.bucket_start
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
