-- Respondents of one wave per org and per team of an org at submission, counting submissions made
-- before $before (a live figure that moves once a day, not with each submission). team NULL: the
-- org's row. People whose org is withheld count in the total only (org NULL); people whose team
-- is withheld in their org's row only. Counts only: the confidentiality layer decides what may be
-- shown.
SELECT org, CASE WHEN grouping(team) = 0 THEN team END AS team, count(*)::BIGINT AS respondents
FROM stg_survey_submissions
WHERE wave_id = $wave_id AND CAST(submitted_at AS DATE) < $before
GROUP BY GROUPING SETS ((org), (org, team))
HAVING grouping(team) = 1 OR team IS NOT NULL
ORDER BY org, team NULLS FIRST
