-- Effective-dated assignments. reason is stored as an ENUM of the contract's values: small on
-- disk and a typo in a query's literal fails loudly instead of matching nothing.
SELECT
    employee_id,
    effective_date,
    org,
    team,
    manager_id,
    level,
    CAST(reason AS ENUM('hire', 'transfer', 'reorg', 'promotion', 'manager_change')) AS reason,
    forced
FROM job_history
