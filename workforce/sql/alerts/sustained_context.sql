-- Team-level context of a sustained-usage case: over the weeks of the date range, the team
-- members' weekly tokens as a multiple of their job family's median that week (one median per
-- person, then their spread: a distribution, no names).
WITH weeks AS (
    SELECT employee_id, tokens / nullif(peer_tokens, 0) AS token_ratio
    FROM mart_tokenmaxxing_person_week
    WHERE org = $org AND team = $team
      AND ($start::DATE IS NULL OR week >= $start::DATE) AND ($end::DATE IS NULL OR week <= $end::DATE)
),
people AS (
    SELECT employee_id, median(token_ratio) AS ratio
    FROM weeks
    GROUP BY employee_id
)
SELECT count(*) AS people,
    quantile_cont(ratio, 0.25) AS p25,
    median(ratio) AS median,
    quantile_cont(ratio, 0.75) AS p75,
    quantile_cont(ratio, 0.9) AS p90,
    count(*) FILTER (WHERE ratio < $value) AS below
FROM people
