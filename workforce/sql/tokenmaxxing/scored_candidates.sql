-- The scored weeks (`candidate_weeks`, scored_weeks.sql) of the candidates only (`candidates`,
-- candidates.sql): what the rule runs on when only flags are asked for. Running it on these
-- people changes no flag.
SELECT * FROM candidate_weeks SEMI JOIN candidates USING (employee_id)
