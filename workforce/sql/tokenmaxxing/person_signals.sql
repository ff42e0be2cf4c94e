-- Per person over the date range: weeks in which their tokens AND agent time were far above
-- their peers' ($ratio x the median of the same job family that week, among people with any
-- usage; peers' agent time is the median among those who ran agents), and their delivered work
-- in those weeks (changes_landed; a week without a row = 0). Flagged when there are at least
-- $min_weeks such weeks, making up at least $min_share of the weeks from the first of them to the
-- person's last active week (sustained, unlike bursts of real work), and in them the person
-- landed no more than $output_margin x the larger of their own weekly changes in their other
-- weeks (when there are 4 or more) and their peers' mean: usage rose, delivered work did not.
WITH person_week AS (
    SELECT p.week, p.employee_id, e.job_family,
        arg_max(p.org, p.total_tokens) AS org, arg_max(p.team, p.total_tokens) AS team,
        sum(p.total_tokens) AS tokens, sum(p.agent_seconds) AS agent_seconds, sum(p.cost_usd) AS cost_usd
    FROM mart_usage_person_week AS p
    JOIN stg_employees AS e USING (employee_id)
    WHERE ($start::DATE IS NULL OR p.week >= date_trunc('week', $start::DATE))
      AND ($end::DATE IS NULL OR p.week <= $end::DATE)
    GROUP BY p.week, p.employee_id, e.job_family
),
with_work AS (
    SELECT pw.*, coalesce(o.changes_landed, 0) AS changes
    FROM person_week AS pw
    LEFT JOIN stg_outcomes AS o ON o.employee_id = pw.employee_id AND o.week_start = pw.week
),
peers AS (
    SELECT week, job_family,
        median(tokens) AS peer_tokens,
        median(agent_seconds) FILTER (WHERE agent_seconds > 0) AS peer_agent_seconds,
        avg(changes) AS peer_changes,
        count(*) AS peers
    FROM with_work
    GROUP BY week, job_family
),
scored AS (
    SELECT w.*, p.peer_tokens, p.peer_agent_seconds, p.peer_changes,
        w.tokens / nullif(p.peer_tokens, 0) AS token_ratio,
        coalesce(w.agent_seconds / nullif(p.peer_agent_seconds, 0), 0) AS agent_ratio,
        w.tokens >= $ratio * p.peer_tokens
            AND w.agent_seconds >= $ratio * coalesce(p.peer_agent_seconds, 0)
            AND w.agent_seconds > 0 AS far_above
    FROM with_work AS w
    JOIN peers AS p USING (week, job_family)
    WHERE p.peers >= $min_peers
),
runs AS (
    -- consecutive far-above weeks form one run (gaps and islands over the person's weeks)
    SELECT *,
        date_diff('week', DATE '2000-01-03', week)
            - row_number() OVER (PARTITION BY employee_id, far_above ORDER BY week) AS island
    FROM scored
),
longest AS (
    SELECT employee_id, max(run_weeks) AS longest_run_weeks
    FROM (SELECT employee_id, island, count(*) AS run_weeks FROM runs WHERE far_above GROUP BY ALL)
    GROUP BY employee_id
),
person AS (
    SELECT employee_id,
        any_value(job_family) AS job_family,
        arg_max(org, week) AS org,
        arg_max(team, week) AS team,
        count(*) AS active_weeks,
        min(week) FILTER (WHERE far_above) AS first_far_above_week,
        max(week) AS last_active_week,
        count(*) FILTER (WHERE far_above) AS far_above_weeks,
        median(token_ratio) FILTER (WHERE far_above) AS median_token_ratio,
        median(agent_ratio) FILTER (WHERE far_above) AS median_agent_ratio,
        avg(changes) FILTER (WHERE far_above) AS changes_per_week,
        avg(peer_changes) FILTER (WHERE far_above) AS peer_changes_per_week,
        count(*) FILTER (WHERE NOT far_above) AS other_weeks,
        avg(changes) FILTER (WHERE NOT far_above) AS own_changes_other_weeks,
        median(tokens) FILTER (WHERE far_above) / nullif(median(tokens) FILTER (WHERE NOT far_above), 0)
            AS own_token_rise,
        sum(cost_usd) FILTER (WHERE far_above) AS cost_usd_in_those_weeks
    FROM scored
    GROUP BY employee_id
)
SELECT person.*, coalesce(l.longest_run_weeks, 0) AS longest_run_weeks,
    far_above_weeks >= $min_weeks
        -- sustained: most weeks since it began were far above (bursts of real work come and go)
        AND far_above_weeks >= $min_share * (date_diff('week', first_far_above_week, last_active_week) + 1)
        AND coalesce(changes_per_week, 0) <= $output_margin * greatest(
            coalesce(CASE WHEN other_weeks >= 4 THEN own_changes_other_weeks END, 0),
            coalesce(peer_changes_per_week, 0))
        AS flagged
FROM person
LEFT JOIN longest AS l USING (employee_id)
WHERE list_contains($orgs, org)
  AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team))
