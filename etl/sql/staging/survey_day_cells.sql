-- How many people were employed on each of $days in each exact cell (org, team, level, tenure
-- band): the workforce a stored survey placement must hide in (etl.placement). Everyone employed
-- counts, not only respondents: it is the HR tables an attacker would match against. Reads
-- int_assignments (the loader's scratch database has it as a view of the same SQL).
WITH days AS (
    SELECT DISTINCT unnest($days::DATE[]) AS day
),

held AS (
    SELECT
        d.day, a.org, a.team, a.level,
        -- completed years of service on the day, as etl.contract.tenure_band computes it
        year(d.day) - year(a.hire_date)
        - CASE WHEN month(d.day) * 100 + day(d.day) < month(a.hire_date) * 100 + day(a.hire_date)
               THEN 1 ELSE 0 END AS tenure_years
    FROM days AS d
    JOIN int_assignments AS a
        ON a.valid_from <= d.day AND (a.valid_to IS NULL OR d.day < a.valid_to)
),

final AS (
    SELECT
        day, org, team, level,
        CASE
            WHEN tenure_years < 1 THEN '<1y'
            WHEN tenure_years < 2 THEN '1-2y'
            WHEN tenure_years < 5 THEN '2-5y'
            ELSE '5y+'
        END AS tenure_band,
        count(*) AS n
    FROM held
    GROUP BY ALL
)

SELECT * FROM final ORDER BY ALL
