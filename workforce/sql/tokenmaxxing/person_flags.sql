-- The rule, per person over the date range: weeks in which their tokens AND agent time were far
-- above their peers' ($ratio x the median of the same job family that week, among people with any
-- usage; peers' agent time is the median among those who ran agents), and their delivered work
-- in those weeks (changes_landed; a week without a row = 0). Flagged when there are at least
-- $min_weeks such weeks, making up at least $min_share of the weeks from the first of them to the
-- person's last active week (sustained, unlike bursts of real work), and in them the person
-- landed no more than $output_margin x the larger of their own weekly changes in their other
-- weeks (when there are 4 or more) and their peers' mean: usage rose, delivered work did not.
-- Runs over `scored` (scored_weeks.sql); one row per person in the viewer's scope, in the org and
-- team of their latest scored week. Only sums, counts and extremes: one pass over the weeks, so
-- counting flags costs one scan (the medians shown beside a flag are person_ratios.sql).
WITH person AS (
    SELECT employee_id,
        any_value(job_family) AS job_family,
        arg_max(org, week) AS org,
        arg_max(team, week) AS team,
        count(*) AS active_weeks,
        min(week) FILTER (WHERE far_above) AS first_far_above_week,
        max(week) AS last_active_week,
        count(*) FILTER (WHERE far_above) AS far_above_weeks,
        avg(changes) FILTER (WHERE far_above) AS changes_per_week,
        avg(peer_changes) FILTER (WHERE far_above) AS peer_changes_per_week,
        count(*) FILTER (WHERE NOT far_above) AS other_weeks,
        avg(changes) FILTER (WHERE NOT far_above) AS own_changes_other_weeks,
        sum(cost_usd) FILTER (WHERE far_above) AS cost_usd_in_those_weeks
    FROM scored
    GROUP BY employee_id
)
SELECT person.*,
    far_above_weeks >= $min_weeks
        -- sustained: most weeks since it began were far above (bursts of real work come and go)
        AND far_above_weeks >= $min_share * (date_diff('week', first_far_above_week, last_active_week) + 1)
        AND coalesce(changes_per_week, 0) <= $output_margin * greatest(
            coalesce(CASE WHEN other_weeks >= 4 THEN own_changes_other_weeks END, 0),
            coalesce(peer_changes_per_week, 0))
        AS flagged
FROM person
WHERE list_contains($orgs, org)
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
