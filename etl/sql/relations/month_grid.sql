-- The first day of each month of the data window: the one month grid every monthly figure reads
-- (mart_employee_month). The window runs from the month of the earliest activity (usage, survey
-- submission or outcome week), or of the day a year before the last day if that is earlier (so
-- the default year of the people pages is always covered, usage or not), to the month of the
-- latest activity or HR date (the HR as-of date: the latest job change or exit). HR history
-- further back (hire dates reach back years) is not expanded into months nobody reads.
WITH activity AS (
    SELECT min(usage_date) AS first_day, max(usage_date) AS last_day FROM stg_token_usage
    UNION ALL
    SELECT CAST(min(submitted_at) AS DATE), CAST(max(submitted_at) AS DATE) FROM stg_survey_submissions
    UNION ALL
    SELECT min(week_start), max(week_start) FROM stg_outcomes
    UNION ALL
    SELECT NULL, greatest(max(effective_date), (SELECT max(exit_date) FROM stg_exits)) FROM stg_job_history
)

SELECT CAST(unnest(generate_series(
    date_trunc('month', least(min(first_day), max(last_day) - 364)), date_trunc('month', max(last_day)),
    INTERVAL 1 MONTH
)) AS DATE) AS day
FROM activity
HAVING max(last_day) IS NOT NULL
