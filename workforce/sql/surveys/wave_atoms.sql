-- Respondent counts of one wave by the finest reportable cell: org × team × level × tenure band.
-- Counts only: the confidentiality layer builds its lattice of reachable groups from these.
SELECT
    coalesce(org, '(unknown)') AS org,
    coalesce(team, '(unknown)') AS team,
    coalesce(level, '(unknown)') AS level,
    coalesce(CAST(tenure_band AS VARCHAR), '(unknown)') AS tenure_band,
    count(*)::BIGINT AS n
FROM stg_survey_submissions
WHERE wave_id = $wave_id
GROUP BY ALL
ORDER BY ALL
