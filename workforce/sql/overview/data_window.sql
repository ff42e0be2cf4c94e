-- The span of each kind of fact, so a reader knows what period the figures cover.
SELECT 'AI usage' AS facts, min(usage_date) AS first_day, max(usage_date) AS last_day FROM stg_token_usage
UNION ALL
SELECT 'Job history', min(effective_date), max(effective_date) FROM stg_job_history
UNION ALL
SELECT 'Exits', min(exit_date), max(exit_date) FROM stg_exits
UNION ALL
SELECT 'Survey waves', min(opens_on), max(closes_on) FROM stg_survey_waves
UNION ALL
SELECT 'Outcomes', min(week_start), max(week_start) FROM stg_outcomes
