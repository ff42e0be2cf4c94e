-- manager_spans.sql on each snapshot day, read from the intervals the loader stored
-- (mart_manager_spans: each manager's span, placement and level, constant from valid_from to
-- the day before valid_to).
SELECT d.day, s.manager_id, s.org, s.team, s.level, s.span
FROM days AS d
JOIN mart_manager_spans AS s ON s.valid_from <= d.day AND d.day < s.valid_to
