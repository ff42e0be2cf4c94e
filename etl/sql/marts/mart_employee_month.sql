-- Everyone employed on the first day of each month of the data window, in the assignment in
-- effect that day: the one month grid every monthly figure reads. The window runs from the month
-- of the earliest activity (usage, survey submission or outcome week), or of the day a year
-- before the last day if that is earlier (so the default year of the people pages is always
-- covered, usage or not), to the month of the latest activity or HR date (the HR as-of date:
-- the latest job change or exit). HR history further back (hire dates reach back years) is not
-- expanded into months nobody reads.
-- manager_span is the span of control of the person's manager that day: how many people
-- employed that day have a row in effect naming the same manager. depth is the number of managers
-- above the person that day, up to the top of the company (the person with no manager has depth
-- 0; a manager not employed that day ends the walk; it stops at 40 levels so a cycle cannot run
-- away): an org's management layers are its deepest person's depth.
WITH RECURSIVE activity AS (
    SELECT min(usage_date) AS first_day, max(usage_date) AS last_day FROM stg_token_usage
    UNION ALL
    SELECT CAST(min(submitted_at) AS DATE), CAST(max(submitted_at) AS DATE) FROM stg_survey_submissions
    UNION ALL
    SELECT min(week_start), max(week_start) FROM stg_outcomes
    UNION ALL
    SELECT NULL, greatest(max(effective_date), (SELECT max(exit_date) FROM stg_exits)) FROM stg_job_history
),

months AS (
    SELECT CAST(unnest(generate_series(
        date_trunc('month', least(min(first_day), max(last_day) - 364)), date_trunc('month', max(last_day)),
        INTERVAL 1 MONTH
    )) AS DATE) AS month
    FROM activity
    HAVING max(last_day) IS NOT NULL
),

employed AS (
    SELECT m.month, a.*
    FROM months AS m
    JOIN int_assignments AS a
        ON a.valid_from <= m.month AND (a.valid_to IS NULL OR m.month < a.valid_to)
),

final AS (
    SELECT
        month,
        employee_id,
        org,
        team,
        manager_id,
        level,
        job_family,
        location,
        hire_date,
        exit_date,
        exit_type,
        -- completed years of service on the day (an anniversary starts the next band)
        CAST(CASE
            WHEN tenure_years < 1 THEN '<1y'
            WHEN tenure_years < 2 THEN '1-2y'
            WHEN tenure_years < 5 THEN '2-5y'
            ELSE '5y+'
        END AS ENUM('<1y', '1-2y', '2-5y', '5y+')) AS tenure_band,
        CASE WHEN manager_id IS NOT NULL
             THEN CAST(count(*) OVER (PARTITION BY month, manager_id) AS INTEGER) END AS manager_span
    FROM (
        SELECT *,
               year(month) - year(hire_date)
               - CASE WHEN month(month) * 100 + day(month) < month(hire_date) * 100 + day(hire_date)
                      THEN 1 ELSE 0 END AS tenure_years
        FROM employed
    )
),

chain(month, employee_id, ancestor, depth) AS (
    SELECT month, employee_id, manager_id, CASE WHEN manager_id IS NULL THEN 0 ELSE 1 END
    FROM final
    UNION ALL
    SELECT c.month, c.employee_id, a.manager_id, c.depth + 1
    FROM chain AS c
    JOIN final AS a ON a.month = c.month AND a.employee_id = c.ancestor
    WHERE a.manager_id IS NOT NULL AND c.depth < 40
),

depths AS (
    SELECT month, employee_id, CAST(max(depth) AS INTEGER) AS depth
    FROM chain
    GROUP BY ALL
)

SELECT f.*, d.depth
FROM final AS f
JOIN depths AS d USING (month, employee_id)
