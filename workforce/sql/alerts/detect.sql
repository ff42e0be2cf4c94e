-- The cost alerts' rule, for person-days and team-days alike: a day far above its own trailing
-- baseline. Runs over `days` (alert_days.sql). Baseline: the median and the median absolute
-- deviation (MAD) of the same person's (or team's) previous active days within $window_days
-- calendar days (the day itself excluded, days without usage not counted). Robust z =
-- (value - median) / scale, scale = max(1.4826 * MAD, $min_scale_fraction * median): MAD is 0
-- for a perfectly regular user, and the floor keeps any small wobble from alerting. A day
-- alerts when it has $min_history_days of baseline, z >= $z_threshold, value >= $min_ratio x
-- median and value >= its noise floor (min_value). Only days at or above the floor can alert,
-- so only theirs baselines are worked out.
WITH candidates AS (
    SELECT *
    FROM days
    WHERE value >= min_value
      AND ($since::DATE IS NULL OR usage_date >= $since::DATE)
),
baseline AS (
    SELECT c.kind, c.employee_id, c.org, c.team, c.usage_date, c.value,
        median(d.value) AS baseline_median,
        mad(d.value) AS baseline_mad,
        count(*) AS baseline_days
    FROM candidates AS c
    JOIN days AS d
        ON d.kind = c.kind
       AND d.employee_id IS NOT DISTINCT FROM c.employee_id
       AND d.key_org IS NOT DISTINCT FROM c.key_org
       AND d.key_team IS NOT DISTINCT FROM c.key_team
       AND d.usage_date >= c.usage_date - to_days($window_days::INTEGER)
       AND d.usage_date < c.usage_date
    GROUP BY c.kind, c.employee_id, c.key_org, c.key_team, c.org, c.team, c.usage_date, c.value
),
scored AS (
    SELECT *,
        (value - baseline_median)
            / greatest(1.4826 * baseline_mad, $min_scale_fraction * baseline_median, 1e-9) AS robust_z
    FROM baseline
    WHERE baseline_days >= $min_history_days
)
SELECT
    kind || ':' || CASE kind WHEN 'person_day' THEN employee_id ELSE org || '/' || team END
        || ':' || usage_date || ':' || $metric AS alert_id,
    kind, employee_id, org, team, usage_date, $metric AS metric, value,
    baseline_median, baseline_mad, baseline_days, robust_z,
    value / nullif(baseline_median, 0) AS ratio
FROM scored
WHERE robust_z >= $z_threshold
  AND value >= $min_ratio * baseline_median
