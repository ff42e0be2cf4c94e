-- One row per submission, with where the respondent sat on the day they answered: org, team,
-- manager, level, tenure band and their manager's span of control that day. These are kept
-- because the person behind the answer is replaced by a keyed pseudonym when the rows are
-- written (employee_id and manager_id never reach the database file; see write_survey_submissions.sql).
-- The checks guarantee one employee, wave and submitted_at per response_id, and that the
-- person was employed on the day (so an assignment is in effect).
WITH responses AS (
    SELECT
        response_id,
        any_value(wave_id) AS wave_id,
        any_value(employee_id) AS employee_id,
        min(submitted_at) AS submitted_at,
        CAST(min(submitted_at) AS DATE) AS answered_on
    FROM survey_responses
    GROUP BY response_id
),

-- each row holds from its effective_date until the employee's next row or exit
assignments AS (
    SELECT
        j.employee_id,
        j.manager_id,
        j.effective_date AS valid_from,
        least(
            coalesce(lead(j.effective_date) OVER (PARTITION BY j.employee_id ORDER BY j.effective_date),
                     DATE 'infinity'),
            coalesce(x.exit_date, DATE 'infinity')
        ) AS valid_to
    FROM job_history AS j
    LEFT JOIN exits AS x USING (employee_id)
),

placed AS (
    SELECT r.*, a.org, a.team, a.manager_id, a.level, e.hire_date
    FROM responses AS r
    ASOF JOIN job_history AS a
        ON a.employee_id = r.employee_id AND r.answered_on >= a.effective_date
    JOIN employees AS e ON e.employee_id = r.employee_id
),

-- span of control on the day: people whose row in effect that day names the manager
spans AS (
    SELECT d.manager_id, d.answered_on, count(*) AS span
    FROM (SELECT DISTINCT manager_id, answered_on FROM placed WHERE manager_id IS NOT NULL) AS d
    JOIN assignments AS a
        ON a.manager_id = d.manager_id AND a.valid_from <= d.answered_on AND d.answered_on < a.valid_to
    GROUP BY ALL
),

final AS (
    SELECT
        p.response_id,
        p.wave_id,
        p.employee_id,
        p.submitted_at,
        p.org,
        p.team,
        p.manager_id,
        p.level,
        -- completed years of service on the day (an anniversary starts the next band), as
        -- etl.contract.tenure_band computes it
        CAST(CASE
            WHEN tenure_years < 1 THEN '<1y'
            WHEN tenure_years < 2 THEN '1-2y'
            WHEN tenure_years < 5 THEN '2-5y'
            ELSE '5y+'
        END AS ENUM('<1y', '1-2y', '2-5y', '5y+')) AS tenure_band,
        CAST(s.span AS INTEGER) AS manager_span
    FROM (
        SELECT *,
               year(answered_on) - year(hire_date)
               - CASE WHEN month(answered_on) * 100 + day(answered_on) < month(hire_date) * 100 + day(hire_date)
                      THEN 1 ELSE 0 END AS tenure_years
        FROM placed
    ) AS p
    LEFT JOIN spans AS s ON s.manager_id = p.manager_id AND s.answered_on = p.answered_on
)

SELECT * FROM final
