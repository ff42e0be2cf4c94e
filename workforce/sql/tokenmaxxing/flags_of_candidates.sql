-- Every person's org, team and flag when the rule ran on the candidates only (`signals`): the
-- people are those with a scored week in the range (`last_weeks`, in person_signals.sql's org and
-- team), flagged when their candidate signals say so; the others cannot be flagged.
SELECT l.employee_id, l.org, l.team, coalesce(s.flagged, false) AS flagged
FROM last_weeks AS l
LEFT JOIN signals AS s USING (employee_id)
