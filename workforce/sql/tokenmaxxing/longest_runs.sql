-- Each person's longest run of consecutive far-above weeks (gaps and islands over their
-- far-above weeks). Runs over `scored` (scored_weeks.sql); people without such a week have no row.
WITH runs AS (
    SELECT employee_id,
        date_diff('week', DATE '2000-01-03', week)
            - row_number() OVER (PARTITION BY employee_id ORDER BY week) AS island
    FROM scored
    WHERE far_above
)
SELECT employee_id, max(run_weeks) AS longest_run_weeks
FROM (SELECT employee_id, island, count(*) AS run_weeks FROM runs GROUP BY ALL)
GROUP BY employee_id
