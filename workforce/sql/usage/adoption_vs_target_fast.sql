-- adoption_vs_target.sql without a team filter, reading the active users the loader counted
-- per week for each org and each team (mart_usage_active_week): the org's row for a mandate
-- on the whole org, the team's row for a mandate on one team.
WITH mandates AS (
    SELECT m.mandate_id, o.org, m.team, m.effective_date, m.target, m.description
    FROM stg_ai_mandates AS m
    JOIN (SELECT unnest($orgs::VARCHAR[]) AS org) AS o ON m.org = '*' OR m.org = o.org
    WHERE m.kind = 'adoption_target'
),
heads AS (
    SELECT m.mandate_id, m.org, h.week, sum(h.headcount) AS headcount
    FROM mandates AS m
    JOIN mart_headcount_week AS h
        ON h.org = m.org AND (m.team IS NULL OR h.team = m.team) AND h.week >= m.effective_date
    WHERE ($start::DATE IS NULL OR h.week >= date_trunc('week', $start::DATE))
      AND ($end::DATE IS NULL OR h.week <= $end::DATE)
    GROUP BY ALL
),
active AS (
    SELECT m.mandate_id, m.org, a.week, a.active_users
    FROM mandates AS m
    JOIN mart_usage_active_week AS a
        ON a.org = m.org AND a.week >= m.effective_date
       AND CASE WHEN m.team IS NULL THEN a.whole_org ELSE NOT a.whole_org AND a.team = m.team END
)
SELECT
    h.mandate_id, h.org, m.team, m.effective_date, m.target, m.description, h.week,
    -- a group of fewer than $min_people (the usage minimum group; 0 for admins) shows no figure
    CASE WHEN h.headcount >= $min_people THEN coalesce(a.active_users, 0) END AS active_users, h.headcount,
    CASE WHEN h.headcount >= $min_people THEN coalesce(a.active_users, 0) / h.headcount END AS adoption,
    CASE WHEN h.headcount >= $min_people THEN coalesce(a.active_users, 0) / h.headcount >= m.target END AS met
FROM heads AS h
JOIN mandates AS m USING (mandate_id, org)
LEFT JOIN active AS a USING (mandate_id, org, week)
WHERE h.headcount > 0
ORDER BY h.mandate_id, h.org, h.week
