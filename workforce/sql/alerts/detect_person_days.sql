-- Person-days far above the person's own trailing baseline. Baseline: the median and the
-- median absolute deviation (MAD) of the person's previous active days within $window_days
-- calendar days (the day itself excluded, days without usage not counted). Robust z =
-- (value - median) / scale, scale = max(1.4826 * MAD, $min_scale_fraction * median): MAD is
-- 0 for a perfectly regular user, and the floor keeps any small wobble from alerting.
-- A day alerts when it has $min_history_days of baseline, z >= $z_threshold, value >=
-- $min_ratio x median and value >= $person_min_value (noise floor in the metric's unit).
WITH days AS (
    SELECT employee_id, usage_date, any_value(org) AS org, any_value(team) AS team,
        CASE $metric WHEN 'total_tokens' THEN sum(total_tokens)::DOUBLE ELSE sum(cost_usd) END AS value
    FROM mart_usage_daily
    WHERE $since::DATE IS NULL OR usage_date >= $since::DATE - to_days($window_days::INTEGER)
    GROUP BY employee_id, usage_date
),
baseline AS (
    SELECT *,
        median(value) OVER w AS baseline_median,
        mad(value) OVER w AS baseline_mad,
        count(*) OVER w AS baseline_days
    FROM days
    WINDOW w AS (
        PARTITION BY employee_id ORDER BY usage_date
        RANGE BETWEEN to_days($window_days::INTEGER) PRECEDING AND INTERVAL 1 DAY PRECEDING
    )
),
scored AS (
    SELECT *,
        (value - baseline_median)
            / greatest(1.4826 * baseline_mad, $min_scale_fraction * baseline_median, 1e-9) AS robust_z
    FROM baseline
    WHERE baseline_days >= $min_history_days
      AND ($since::DATE IS NULL OR usage_date >= $since::DATE)
)
SELECT
    'person_day:' || employee_id || ':' || usage_date || ':' || $metric AS alert_id,
    'person_day' AS kind, employee_id, org, team, usage_date, $metric AS metric, value,
    baseline_median, baseline_mad, baseline_days, robust_z,
    value / nullif(baseline_median, 0) AS ratio
FROM scored
WHERE robust_z >= $z_threshold
  AND value >= $min_ratio * baseline_median
  AND value >= $person_min_value
