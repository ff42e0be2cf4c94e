-- The layoff frame: for each layoff wave (named in exits.layoff_wave), everyone employed the
-- day before the wave's first layoff date, with their attributes that day and whether this
-- wave selected them. Token intensity is measured over the 90 days before the wave date; a
-- company without AI usage data keeps everyone, with no token intensity and no token quartile.
WITH waves AS (
    SELECT layoff_wave, min(exit_date) AS wave_date
    FROM stg_exits
    WHERE exit_type = 'layoff' AND layoff_wave IS NOT NULL
    GROUP BY layoff_wave
),

population AS (
    SELECT
        w.layoff_wave, w.wave_date,
        a.employee_id, a.org, a.team, a.level, a.job_family, a.location, a.hire_date,
        coalesce(x.exit_type = 'layoff' AND x.layoff_wave = w.layoff_wave, false) AS selected
    FROM waves AS w
    JOIN int_assignments AS a
        ON a.valid_from <= w.wave_date - 1
        AND (a.valid_to IS NULL OR a.valid_to > w.wave_date - 1)
    LEFT JOIN stg_exits AS x ON x.employee_id = a.employee_id
),

final AS (
    SELECT
        p.layoff_wave, p.wave_date, p.org, p.team, p.level, p.job_family, p.location,
        -- whole years of service on the wave date, banded like etl.contract.tenure_band
        CASE
            WHEN date_sub('year', p.hire_date, p.wave_date) < 1 THEN '<1y'
            WHEN date_sub('year', p.hire_date, p.wave_date) < 2 THEN '1-2y'
            WHEN date_sub('year', p.hire_date, p.wave_date) < 5 THEN '2-5y'
            ELSE '5y+'
        END AS tenure_band,
        p.selected,
        t.token_log,
        -- quartiles within the wave among people with a token intensity; ties broken by a fixed
        -- order so reruns agree
        CASE WHEN t.token_log IS NOT NULL THEN 'Q' || ntile(4) OVER (
            PARTITION BY p.layoff_wave, t.token_log IS NULL ORDER BY t.token_log, p.employee_id
        ) END AS token_quartile
    FROM population AS p
    LEFT JOIN _token_intensity AS t ON t.ref_date = p.wave_date AND t.employee_id = p.employee_id
)

SELECT
    layoff_wave, wave_date, org, team, level, job_family, location, tenure_band, selected,
    token_log, token_quartile,
    (token_log - avg(token_log) OVER ()) / stddev_samp(token_log) OVER () AS token_z
FROM final
ORDER BY layoff_wave, org, team
