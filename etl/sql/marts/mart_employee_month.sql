-- Everyone employed on the first day of each month of the data window (month_grid), in the
-- assignment in effect that day, with their tenure band and their manager's span of control that
-- day (placed_on_days): the one month grid every monthly figure reads. The relations are declared
-- in etl/loading/sqlfiles.py (RELATIONS).
SELECT
    day AS month,
    employee_id,
    org,
    team,
    manager_id,
    level,
    job_family,
    location,
    hire_date,
    exit_date,
    exit_type,
    CAST(tenure_band AS ENUM('<1y', '1-2y', '2-5y', '5y+')) AS tenure_band,
    manager_span
FROM placed
