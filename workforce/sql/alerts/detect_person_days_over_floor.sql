-- detect_person_days.sql when the noise floor ($person_min_value) is above 0: the same alerts,
-- with each baseline worked out only for the days at or above the floor (a day below it never
-- alerts). The baseline is the same multiset of values, the person's active days within
-- $window_days calendar days before the day, so median, MAD and count are the same.
-- Only people who can have such a day are read: usage is never negative (the contract), so a
-- day is at most its week, and a person whose every week (one row in mart_usage_person_week)
-- stays below the floor has no day above it. At company scale that leaves some 5 thousand of
-- 85 thousand people, instead of adding up 20 million rows into 14 million person-days.
WITH people AS (
    SELECT employee_id
    FROM mart_usage_person_week
    GROUP BY employee_id
    HAVING max(CASE $metric WHEN 'total_tokens' THEN total_tokens::DOUBLE ELSE cost_usd END) >= $person_min_value
        -- a week split over two orgs or teams: its rows are parts of the week, so keep the person
        OR count(*) > count(DISTINCT week)
    UNION
    -- should a negative value ever slip in, the bound does not hold for that person
    SELECT employee_id FROM mart_usage_daily WHERE cost_usd < 0 OR total_tokens < 0
),
days AS MATERIALIZED (
    SELECT employee_id, usage_date, any_value(org) AS org, any_value(team) AS team,
        CASE $metric WHEN 'total_tokens' THEN sum(total_tokens)::DOUBLE ELSE sum(cost_usd) END AS value
    FROM mart_usage_daily
    SEMI JOIN people USING (employee_id)
    WHERE $since::DATE IS NULL OR usage_date >= $since::DATE - to_days($window_days::INTEGER)
    GROUP BY employee_id, usage_date
),
candidates AS (
    SELECT *
    FROM days
    WHERE value >= $person_min_value
      AND ($since::DATE IS NULL OR usage_date >= $since::DATE)
),
baseline AS (
    SELECT c.employee_id, c.usage_date, c.org, c.team, c.value,
        median(d.value) AS baseline_median,
        mad(d.value) AS baseline_mad,
        count(*) AS baseline_days
    FROM candidates AS c
    JOIN days AS d
        ON d.employee_id = c.employee_id
       AND d.usage_date >= c.usage_date - to_days($window_days::INTEGER)
       AND d.usage_date < c.usage_date
    GROUP BY c.employee_id, c.usage_date, c.org, c.team, c.value
),
scored AS (
    SELECT *,
        (value - baseline_median)
            / greatest(1.4826 * baseline_mad, $min_scale_fraction * baseline_median, 1e-9) AS robust_z
    FROM baseline
    WHERE baseline_days >= $min_history_days
)
SELECT
    'person_day:' || employee_id || ':' || usage_date || ':' || $metric AS alert_id,
    'person_day' AS kind, employee_id, org, team, usage_date, $metric AS metric, value,
    baseline_median, baseline_mad, baseline_days, robust_z,
    value / nullif(baseline_median, 0) AS ratio
FROM scored
WHERE robust_z >= $z_threshold
  AND value >= $min_ratio * baseline_median
