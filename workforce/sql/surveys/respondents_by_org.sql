-- Respondents of one wave per org at submission, counting submissions made before $before (a
-- live figure that moves once a day, not with each submission). People whose org is withheld
-- count in the total only. Counts only: the confidentiality layer decides what may be shown.
SELECT org, count(*)::BIGINT AS respondents
FROM stg_survey_submissions
WHERE wave_id = $wave_id AND CAST(submitted_at AS DATE) < $before
GROUP BY ALL
ORDER BY ALL
