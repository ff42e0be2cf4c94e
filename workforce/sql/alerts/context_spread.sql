-- The spread of a case's context (a distribution, no names): how many members (people or
-- teams), their quartiles and top tenth, and how many are below the case's own $value. Runs
-- over `members`: one row per member with its `value` (person_day_context.sql,
-- team_day_context.sql or sustained_context.sql).
SELECT count(*) AS members,
    quantile_cont(value, 0.25) AS p25,
    median(value) AS median,
    quantile_cont(value, 0.75) AS p75,
    quantile_cont(value, 0.9) AS p90,
    count(*) FILTER (WHERE value < $value) AS below
FROM members
