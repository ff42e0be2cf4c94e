-- Respondents of one wave per org at submission. Counts only; the confidentiality layer decides
-- which may be shown.
SELECT coalesce(org, '(unknown)') AS org, count(*)::BIGINT AS respondents
FROM stg_survey_submissions
WHERE wave_id = $wave_id
GROUP BY ALL
ORDER BY ALL
