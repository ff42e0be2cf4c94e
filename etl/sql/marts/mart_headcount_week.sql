-- Headcount per ISO week, org and team: people employed on the week's Monday, in the org
-- and team of their assignment in effect that day (int_assignments.valid_to is exclusive
-- and already stops at the exit date). The denominator of weekly adoption. Built after
-- int_assignments and mart_usage_daily (which gives the weeks of the data window).
WITH weeks AS (
    SELECT unnest(generate_series(
        date_trunc('week', min(usage_date)),
        date_trunc('week', max(usage_date)),
        INTERVAL 7 DAY
    ))::DATE AS week
    FROM mart_usage_daily
)
SELECT
    w.week,
    a.org,
    a.team,
    count(DISTINCT a.employee_id) AS headcount
FROM weeks AS w
JOIN int_assignments AS a
    ON a.valid_from <= w.week
   AND (a.valid_to IS NULL OR w.week < a.valid_to)
   AND (a.exit_date IS NULL OR w.week < a.exit_date)
GROUP BY ALL
