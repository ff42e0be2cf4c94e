-- Each layoff wave per org: people let go, its dates, and the org's headcount the day before the
-- wave began, so the share reads against the org as it was. A person's org at exit is that of
-- their last assignment (the int_assignments row that stops on the exit date).
WITH laid_off AS (
    SELECT x.employee_id, x.exit_date, coalesce(x.layoff_wave, '(unnamed wave)') AS layoff_wave, a.org, a.team
    FROM stg_exits AS x
    JOIN int_assignments AS a ON a.employee_id = x.employee_id AND a.valid_to = x.exit_date
    WHERE x.exit_type = 'layoff'
),
waves AS (
    SELECT layoff_wave, min(exit_date) AS wave_start, max(exit_date) AS wave_end
    FROM laid_off
    GROUP BY ALL
),
before AS (
    SELECT w.layoff_wave, a.org, count(*) AS headcount_before
    FROM waves AS w
    JOIN int_assignments AS a
      ON a.valid_from <= w.wave_start - 1 AND (a.valid_to IS NULL OR w.wave_start - 1 < a.valid_to)
    WHERE ($teams IS NULL OR list_contains($teams, a.team))
    GROUP BY ALL
)
SELECT l.layoff_wave, w.wave_start, w.wave_end, l.org, count(*) AS people,
       any_value(b.headcount_before) AS headcount_before,
       count(*) / any_value(b.headcount_before) AS share_of_org
FROM laid_off AS l
JOIN waves AS w USING (layoff_wave)
LEFT JOIN before AS b ON b.layoff_wave = l.layoff_wave AND b.org = l.org
WHERE w.wave_start <= CAST($end AS DATE) AND w.wave_end >= CAST($start AS DATE)
  AND list_contains($orgs, l.org)
  AND ($teams IS NULL OR list_contains($teams, l.team))
GROUP BY ALL
