-- One row per person and ISO week with usage, beside the week's peers: tokens, agent time,
-- spend and changes landed (contract and vendor outcomes, mart_outcomes_week; a week without a
-- row = 0), and for the people of the same job family with usage that week, the median tokens,
-- the median agent time among those who ran agents, the mean changes landed and how many they
-- are. The tokenmaxxing rule (workforce/sql/tokenmaxxing/scored_weeks.sql, person_flags.sql)
-- reads this for any rules and date range: peers are per week, so leaving weeks out leaves the
-- other weeks' peers unchanged. Stored in person order: the rule groups the weeks by person, and
-- a person's weeks side by side make that group-by 3-4 times faster at 85,000 people than weeks
-- in date order did (0.13 s against 0.52 s for the flags by org), which costs a date range its
-- skipped blocks (a 90-day range: 0.10 s against 0.13 s).
-- Built after mart_usage_person_week and mart_outcomes_week.
WITH in_range AS NOT MATERIALIZED (SELECT * FROM mart_usage_person_week),
-- A person has more than one row in a week only when their usage counted against two orgs or
-- teams that week (they moved); those rows are added up, with the org and team of the larger
-- usage. The other rows are taken as they are: grouping millions of single rows costs seconds.
moved AS (
    SELECT week, employee_id FROM in_range GROUP BY ALL HAVING count(*) > 1
),
person_week AS (
    SELECT p.week, p.employee_id, e.job_family, p.org, p.team,
        p.total_tokens AS tokens, p.agent_seconds, p.cost_usd
    FROM in_range AS p
    JOIN stg_employees AS e USING (employee_id)
    ANTI JOIN moved USING (week, employee_id)
    UNION ALL
    SELECT p.week, p.employee_id, any_value(e.job_family) AS job_family,
        arg_max(p.org, p.total_tokens) AS org, arg_max(p.team, p.total_tokens) AS team,
        sum(p.total_tokens)::BIGINT AS tokens, sum(p.agent_seconds)::BIGINT AS agent_seconds,
        sum(p.cost_usd) AS cost_usd
    FROM in_range AS p
    JOIN stg_employees AS e USING (employee_id)
    SEMI JOIN moved USING (week, employee_id)
    GROUP BY p.week, p.employee_id
),
with_work AS (
    SELECT pw.*, coalesce(o.changes_landed, 0) AS changes
    FROM person_week AS pw
    LEFT JOIN mart_outcomes_week AS o ON o.employee_id = pw.employee_id AND o.week_start = pw.week
),
peers AS (
    SELECT week, job_family,
        median(tokens) AS peer_tokens,
        median(agent_seconds) FILTER (WHERE agent_seconds > 0) AS peer_agent_seconds,
        avg(changes) AS peer_changes,
        count(*) AS peers
    FROM with_work
    GROUP BY week, job_family
)
SELECT w.*, p.peer_tokens, p.peer_agent_seconds, p.peer_changes, p.peers
FROM with_work AS w
JOIN peers AS p USING (week, job_family)
ORDER BY employee_id, week
