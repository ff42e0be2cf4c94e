-- The people behind each usage figure of the filters, per period and (when the figure is split
-- by org or team) per group as the chart labels it: the largest number of people active on one
-- day of the period (rolling30: of the 30 days ending on that day). That is a lower bound on
-- the distinct people of the period, so a figure passing the minimum never stands for fewer.
-- Vendor and tool filters do not narrow it: the figure is then one of the group's, not one
-- person's. $by: 'org' or 'team' (labels: $named, the rest 'Other'), anything else: no split.
-- $grain 'all' gives one row for the whole range (period NULL).
WITH per_day AS (
    SELECT
        usage_date AS day,
        CASE $by
            WHEN 'org' THEN CASE WHEN list_contains($named::VARCHAR[], org) THEN org ELSE 'Other' END
            WHEN 'team' THEN CASE WHEN list_contains($named::VARCHAR[], org || ' / ' || team) THEN org || ' / ' || team
                                  ELSE 'Other' END
        END AS "group",
        sum(people) AS people
    FROM mart_usage_team_day_people
    WHERE list_contains($orgs, org)
      AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
      AND ($start::DATE IS NULL
           OR usage_date >= $start::DATE - CASE WHEN $grain = 'rolling30' THEN 29 ELSE 0 END)
      AND ($end::DATE IS NULL OR usage_date <= $end::DATE)
    GROUP BY ALL
),
days AS (
    SELECT unnest(generate_series(min(day), max(day) + 29, INTERVAL 1 DAY))::DATE AS day
    FROM per_day
    WHERE $grain = 'rolling30'
),
rolling AS (
    SELECT d.day AS period, p."group", max(p.people) AS people
    FROM days AS d
    JOIN per_day AS p ON p.day BETWEEN d.day - 29 AND d.day
    GROUP BY ALL
)
SELECT period, "group", people FROM rolling
UNION ALL
SELECT
    CASE $grain
        WHEN 'month' THEN date_trunc('month', day)
        WHEN 'week' THEN date_trunc('week', day)
        WHEN 'day' THEN day
    END::DATE AS period,
    "group",
    max(people) AS people
FROM per_day
WHERE $grain <> 'rolling30'
GROUP BY ALL
