-- How many people were employed on each of $days in each exact cell (org, team, level, tenure
-- band): the workforce a stored survey placement must hide in (etl.placement). Everyone employed
-- counts, not only respondents: it is the HR tables an attacker would match against. Run with
-- the relations `days` and `placed` (etl/sql/relations/), on int_assignments (the loader's
-- scratch database has it as a view of the same SQL).
SELECT day, org, team, level, tenure_band, count(*) AS n
FROM placed
GROUP BY ALL
ORDER BY ALL
