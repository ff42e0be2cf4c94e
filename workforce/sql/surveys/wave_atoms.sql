-- Respondent counts of one wave by the finest cell: org × team × level × tenure band. A NULL
-- coordinate is withheld in storage: it stays NULL here, and the confidentiality layer never
-- releases it as a cell of its own (its people count in their line's remainder).
SELECT org, team, level, CAST(tenure_band AS VARCHAR) AS tenure_band, count(*)::BIGINT AS n
FROM stg_survey_submissions
WHERE wave_id = $wave_id
GROUP BY ALL
ORDER BY ALL
