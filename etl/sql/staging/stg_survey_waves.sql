-- Waves from the survey tool. Waves created in the app (source = 'app') are kept by a reload;
-- file waves are for the whole company (audience_orgs NULL) and have no creator.
SELECT
    wave_id,
    title,
    opens_on,
    closes_on,
    CAST(NULL AS VARCHAR[]) AS audience_orgs,
    'file' AS source,
    CAST(NULL AS VARCHAR) AS created_by,
    CAST(NULL AS TIMESTAMP) AS created_at
FROM survey_waves
