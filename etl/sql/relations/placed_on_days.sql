-- Everyone employed on each day of `days` (a relation with one column, day), in the assignment
-- in effect that day (int_assignments: valid_from <= day < valid_to), with what the day makes of
-- it: the tenure band (completed years of service, an anniversary starts the next band, as
-- etl.contract.tenure_band computes it) and the manager's span of control (how many people
-- employed that day have a row in effect naming the same manager). The one "where did this
-- person sit on that day" of the month grid, the stored survey placements and the attacker's
-- reference table (etl/reidentify.py).
SELECT
    * EXCLUDE (tenure_years),
    CASE
        WHEN tenure_years < 1 THEN '<1y'
        WHEN tenure_years < 2 THEN '1-2y'
        WHEN tenure_years < 5 THEN '2-5y'
        ELSE '5y+'
    END AS tenure_band,
    CASE WHEN manager_id IS NOT NULL
         THEN CAST(count(*) OVER (PARTITION BY day, manager_id) AS INTEGER) END AS manager_span
FROM (
    SELECT
        d.day,
        a.*,
        year(d.day) - year(a.hire_date)
        - CASE WHEN month(d.day) * 100 + day(d.day) < month(a.hire_date) * 100 + day(a.hire_date)
               THEN 1 ELSE 0 END AS tenure_years
    FROM days AS d
    JOIN int_assignments AS a
        ON a.valid_from <= d.day AND (a.valid_to IS NULL OR d.day < a.valid_to)
)
