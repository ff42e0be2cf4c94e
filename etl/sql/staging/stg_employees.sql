-- The validated employees file, typed. Contract columns only; nothing is cleaned here because
-- the loader already rejected anything the contract does not allow.
SELECT employee_id, full_name, email, job_family, location, hire_date
FROM employees
