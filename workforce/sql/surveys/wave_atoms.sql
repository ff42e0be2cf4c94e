-- Respondent counts of one wave by the finest released cell: org × team. A NULL coordinate is
-- withheld in storage: it stays NULL here, and the confidentiality layer never releases it as a
-- cell of its own (its people count in their line's remainder). Level and tenure band are not
-- released (workforce/privacy/lattice.py), so they are not read.
SELECT org, team, count(*)::BIGINT AS n
FROM stg_survey_submissions
WHERE wave_id = $wave_id
GROUP BY ALL
ORDER BY ALL
