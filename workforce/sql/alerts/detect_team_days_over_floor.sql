-- detect_team_days.sql when the noise floor ($team_min_value) is above 0: the same alerts, with
-- each baseline worked out only for the team-days at or above the floor (see
-- detect_person_days_over_floor.sql).
WITH days AS MATERIALIZED (
    SELECT org, team, usage_date,
        CASE $metric WHEN 'total_tokens' THEN sum(total_tokens)::DOUBLE ELSE sum(cost_usd) END AS value
    FROM mart_usage_team_day
    WHERE $since::DATE IS NULL OR usage_date >= $since::DATE - to_days($window_days::INTEGER)
    GROUP BY org, team, usage_date
),
candidates AS (
    SELECT *
    FROM days
    WHERE value >= $team_min_value
      AND ($since::DATE IS NULL OR usage_date >= $since::DATE)
),
baseline AS (
    SELECT c.org, c.team, c.usage_date, c.value,
        median(d.value) AS baseline_median,
        mad(d.value) AS baseline_mad,
        count(*) AS baseline_days
    FROM candidates AS c
    JOIN days AS d
        ON d.org IS NOT DISTINCT FROM c.org AND d.team IS NOT DISTINCT FROM c.team
       AND d.usage_date >= c.usage_date - to_days($window_days::INTEGER)
       AND d.usage_date < c.usage_date
    GROUP BY c.org, c.team, c.usage_date, c.value
),
scored AS (
    SELECT *,
        (value - baseline_median)
            / greatest(1.4826 * baseline_mad, $min_scale_fraction * baseline_median, 1e-9) AS robust_z
    FROM baseline
    WHERE baseline_days >= $min_history_days
)
SELECT
    'team_day:' || org || '/' || team || ':' || usage_date || ':' || $metric AS alert_id,
    'team_day' AS kind, NULL::VARCHAR AS employee_id, org, team, usage_date, $metric AS metric, value,
    baseline_median, baseline_mad, baseline_days, robust_z,
    value / nullif(baseline_median, 0) AS ratio
FROM scored
WHERE robust_z >= $z_threshold
  AND value >= $min_ratio * baseline_median
