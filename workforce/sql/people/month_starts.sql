-- The first day of every month inside [start, end]: the snapshot dates of the monthly series.
SELECT CAST(d AS DATE) AS day
FROM range(
    CAST(date_trunc('month', CAST($start AS DATE) - 1) + INTERVAL 1 MONTH AS TIMESTAMP),
    CAST(CAST($end AS DATE) + 1 AS TIMESTAMP),
    INTERVAL 1 MONTH
) AS t(d)
