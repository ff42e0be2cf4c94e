-- Per mandate and org: how many weeks since the mandate met its target, and the latest week.
-- Runs over the rows of adoption_vs_target.sql, given to it as `series`.
SELECT
    mandate_id, org, any_value(team) AS team, any_value(effective_date) AS effective_date,
    any_value(target) AS target, any_value(description) AS description,
    count(*) AS weeks,
    count(*) FILTER (WHERE met) AS weeks_met,
    max(week) AS latest_week,
    arg_max(adoption, week) AS latest_adoption,
    arg_max(met, week) AS latest_met
FROM series
GROUP BY mandate_id, org
ORDER BY mandate_id, org
