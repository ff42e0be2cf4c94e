-- Per team on $day: headcount, people reporting to a manager above the span threshold, people
-- moved into the team without choosing it since $recent_start (forced transfers and reorgs),
-- and voluntary exits and person-days since $attrition_start (for an annualised rate).
WITH team_now AS (
    SELECT p.org, p.team, count(*) AS headcount,
           count(*) FILTER (WHERE s.span > $threshold) AS people_under_wide
    FROM active AS p
    LEFT JOIN manager_spans AS s ON s.day = p.day AND s.manager_id = p.manager_id
    GROUP BY ALL
),
forced_in AS (
    SELECT org, team, count(DISTINCT employee_id) AS forced_moves
    FROM int_assignments
    WHERE forced AND reason IN ('transfer', 'reorg')
      AND valid_from BETWEEN CAST($recent_start AS DATE) AND CAST($day AS DATE)
    GROUP BY ALL
),
exposure AS (
    SELECT org, team,
           sum(greatest(0, least(coalesce(valid_to, DATE '9999-12-31'), CAST($day AS DATE) + 1)
                           - greatest(valid_from, CAST($attrition_start AS DATE)))) AS person_days
    FROM int_assignments
    WHERE valid_from <= CAST($day AS DATE) AND (valid_to IS NULL OR valid_to > CAST($attrition_start AS DATE))
    GROUP BY ALL
),
voluntary AS (
    SELECT a.org, a.team, count(*) AS voluntary_exits
    FROM int_assignments AS a
    WHERE a.exit_type = 'voluntary'
      AND a.exit_date BETWEEN CAST($attrition_start AS DATE) + 1 AND CAST($day AS DATE)
      AND a.valid_to = a.exit_date
    GROUP BY ALL
)
SELECT t.org, t.team, t.headcount, t.people_under_wide,
       coalesce(f.forced_moves, 0) AS forced_moves,
       coalesce(v.voluntary_exits, 0) AS voluntary_exits,
       coalesce(e.person_days, 0) AS person_days
FROM team_now AS t
LEFT JOIN forced_in AS f USING (org, team)
LEFT JOIN exposure AS e USING (org, team)
LEFT JOIN voluntary AS v USING (org, team)
WHERE list_contains($orgs, t.org)
  AND ($teams IS NULL OR list_contains($teams, t.team))
