-- The rows of mart_survey_responses a survey figure is computed from: the waves $wave_ids and,
-- within them, the selection ($orgs, $team_keys as org || chr(31) || team, $levels,
-- $tenure_bands; NULL: no narrowing; a withheld (NULL) coordinate matches no value), each row
-- labelled with its group of $by ('org', 'team', 'level', 'tenure_band'; anything else: 'All').
-- Declared as the relation `selected` of cell_scores.sql, cell_comments.sql and group_comments.sql.
SELECT
    *,
    CASE $by
        WHEN 'org' THEN org
        WHEN 'team' THEN org || ' / ' || team
        WHEN 'level' THEN level
        WHEN 'tenure_band' THEN CAST(tenure_band AS VARCHAR)
        ELSE 'All'
    END AS grp
FROM mart_survey_responses
WHERE list_contains($wave_ids::VARCHAR[], wave_id)
  AND ($orgs::VARCHAR[] IS NULL OR list_contains($orgs::VARCHAR[], org))
  AND ($team_keys::VARCHAR[] IS NULL OR list_contains($team_keys::VARCHAR[], org || chr(31) || team))
  AND ($levels::VARCHAR[] IS NULL OR list_contains($levels::VARCHAR[], level))
  AND ($tenure_bands::VARCHAR[] IS NULL OR list_contains($tenure_bands::VARCHAR[], CAST(tenure_band AS VARCHAR)))
