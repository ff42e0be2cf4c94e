-- Each team's observed voluntary exits per person-year over the data window, as the load stored
-- them for the attrition model's team explorer (analytics/sql/drivers_team_metrics.sql).
-- No survey figure is in it.
SELECT org, team, attrition, person_months
FROM mart_drivers_team_metrics
WHERE attrition IS NOT NULL
ORDER BY org, team
