-- The people the rule could flag over the range: at least $min_weeks far-above weeks in it (its
-- first condition). Runs over `candidate_weeks` (scored_weeks.sql). Running the rule on these
-- people only changes no flag; at company scale they are a few thousand of 85,000.
SELECT employee_id
FROM candidate_weeks
WHERE far_above
GROUP BY employee_id
HAVING count(*) >= $min_weeks
