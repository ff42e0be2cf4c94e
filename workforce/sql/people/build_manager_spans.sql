-- manager_spans.sql for every day at once, as intervals: a manager's span, placement and level
-- can only change on a day one of their reports' rows or one of their own rows starts or stops
-- holding, so between two such days they are those of the first. Each interval is evaluated on
-- its first day exactly as manager_spans.sql does on a snapshot day: span = reports employed that
-- day, placed in the manager's own org and team (their reports' when not employed).
-- Reads mart_people_assignments (assignments.sql's rows); written as mart_manager_spans.
WITH holding AS (
    SELECT * FROM mart_people_assignments WHERE valid_from < valid_to
),
reports AS (
    SELECT manager_id, valid_from, valid_to, org, team FROM holding WHERE manager_id IS NOT NULL
),
changes AS (
    SELECT manager_id, valid_from AS day FROM reports
    UNION
    SELECT manager_id, valid_to FROM reports
    UNION
    SELECT h.employee_id, h.valid_from FROM holding AS h SEMI JOIN reports AS r ON r.manager_id = h.employee_id
    UNION
    SELECT h.employee_id, h.valid_to FROM holding AS h SEMI JOIN reports AS r ON r.manager_id = h.employee_id
),
intervals AS (
    SELECT manager_id, day AS valid_from, lead(day) OVER (PARTITION BY manager_id ORDER BY day) AS valid_to
    FROM changes
),
spans AS (
    SELECT i.manager_id, i.valid_from, i.valid_to,
           count(*) AS span, min(r.org) AS reports_org, min(r.team) AS reports_team
    FROM intervals AS i
    JOIN reports AS r ON r.manager_id = i.manager_id AND r.valid_from <= i.valid_from AND i.valid_from < r.valid_to
    WHERE i.valid_to IS NOT NULL
    GROUP BY ALL
)
SELECT s.manager_id, s.valid_from, s.valid_to,
       coalesce(m.org, s.reports_org) AS org, coalesce(m.team, s.reports_team) AS team, m.level, s.span
FROM spans AS s
LEFT JOIN holding AS m
  ON m.employee_id = s.manager_id AND m.valid_from <= s.valid_from AND s.valid_from < m.valid_to
ORDER BY s.valid_from, s.manager_id
