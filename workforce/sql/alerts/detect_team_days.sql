-- Team-days far above the team's own trailing baseline: the same rule as person-days
-- (detect_person_days.sql) on the team's daily total. A team is an org and team pair.
WITH days AS (
    SELECT org, team, usage_date,
        CASE $metric WHEN 'total_tokens' THEN sum(total_tokens)::DOUBLE ELSE sum(cost_usd) END AS value
    FROM mart_usage_team_day
    WHERE $since::DATE IS NULL OR usage_date >= $since::DATE - to_days($window_days::INTEGER)
    GROUP BY org, team, usage_date
),
baseline AS (
    SELECT *,
        median(value) OVER w AS baseline_median,
        mad(value) OVER w AS baseline_mad,
        count(*) OVER w AS baseline_days
    FROM days
    WINDOW w AS (
        PARTITION BY org, team ORDER BY usage_date
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
    'team_day:' || org || '/' || team || ':' || usage_date || ':' || $metric AS alert_id,
    'team_day' AS kind, NULL::VARCHAR AS employee_id, org, team, usage_date, $metric AS metric, value,
    baseline_median, baseline_mad, baseline_days, robust_z,
    value / nullif(baseline_median, 0) AS ratio
FROM scored
WHERE robust_z >= $z_threshold
  AND value >= $min_ratio * baseline_median
  AND value >= $team_min_value
