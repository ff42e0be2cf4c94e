-- Who used the app on each day, by name: every audit-log row (sign-in, page view, download) of an
-- account linked to an employee. An in-app submission stored with its day was made by someone
-- who was signed in that day, so this can narrow the candidates of an app submission.
SELECT DISTINCT CAST(l."at" AS DATE) AS day, l."at" AS at, u.employee_id
FROM app_audit_log AS l
JOIN app_users AS u USING (username)
WHERE u.employee_id IS NOT NULL
