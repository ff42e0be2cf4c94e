-- Respondent counts of some waves ($wave_ids) by the finest released cell: org × team, from the
-- same rows every survey figure reads (mart_survey_responses). A NULL coordinate is withheld in
-- storage: it stays NULL here, and the confidentiality layer never releases it as a cell of its
-- own (its people count in their line's remainder). Level and tenure band are not released
-- (workforce/privacy/lattice.py), so they are not read.
SELECT wave_id, org, team, count(*)::BIGINT AS n
FROM mart_survey_responses
WHERE list_contains($wave_ids::VARCHAR[], wave_id)
GROUP BY ALL
ORDER BY ALL
