-- Adoption against each adoption_target mandate, per org it covers ('*' covers every org in
-- scope; a named team narrows it) and per week starting on or after its effective date, so
-- every week counted was wholly under the mandate.
-- Active users, by the grain the filter needs: without a team filter the rows the loader
-- counted (mart_usage_active_week: the org's row for a mandate on the whole org, the team's row
-- for a mandate on one team); with one, the people of those teams counted here from
-- mart_usage_person_week (a person who moved team mid-week is one person). The branch the
-- bound $teams rules out reads nothing. Runs over `mandates` (mandate_orgs.sql, $kind =
-- 'adoption_target') and `headcount_in_scope` (headcount_in_scope.sql).
WITH heads AS (
    SELECT m.mandate_id, m.org, h.week, sum(h.headcount) AS headcount
    FROM mandates AS m
    JOIN headcount_in_scope AS h
        ON h.org = m.org AND (m.team IS NULL OR h.team = m.team) AND h.week >= m.effective_date
    GROUP BY ALL
),
active AS (
    SELECT m.mandate_id, m.org, a.week, a.active_users
    FROM mandates AS m
    JOIN mart_usage_active_week AS a
        ON a.org = m.org AND a.week >= m.effective_date
       AND CASE WHEN m.team IS NULL THEN a.whole_org ELSE NOT a.whole_org AND a.team = m.team END
    WHERE $teams::VARCHAR[] IS NULL
    UNION ALL
    SELECT m.mandate_id, m.org, p.week, count(DISTINCT p.employee_id) AS active_users
    FROM mandates AS m
    JOIN mart_usage_person_week AS p
        ON p.org = m.org AND (m.team IS NULL OR p.team = m.team) AND p.week >= m.effective_date
    WHERE $teams::VARCHAR[] IS NOT NULL AND list_contains($teams, p.team)
    GROUP BY ALL
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
