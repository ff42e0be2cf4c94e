-- Departures, one per person.
SELECT
    employee_id,
    exit_date,
    CAST(exit_type AS ENUM('voluntary', 'layoff', 'involuntary', 'retirement')) AS exit_type,
    layoff_wave,
    regretted
FROM exits
