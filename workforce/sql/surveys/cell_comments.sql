-- Comments of one group of one wave, for a group cleared at the comment minimum. Ordered by a
-- hash of the text so the order says nothing about who wrote first; no response id leaves here.
WITH respondents AS (
    SELECT response_id
    FROM stg_survey_submissions
    WHERE wave_id = $wave_id
      AND ($orgs::VARCHAR[] IS NULL OR list_contains($orgs::VARCHAR[], coalesce(org, '(unknown)')))
      AND ($team_keys::VARCHAR[] IS NULL
           OR list_contains($team_keys::VARCHAR[], coalesce(org, '(unknown)') || chr(31) || coalesce(team, '(unknown)')))
      AND ($levels::VARCHAR[] IS NULL OR list_contains($levels::VARCHAR[], coalesce(level, '(unknown)')))
      AND ($tenure_bands::VARCHAR[] IS NULL
           OR list_contains($tenure_bands::VARCHAR[], coalesce(CAST(tenure_band AS VARCHAR), '(unknown)')))
)

SELECT q.text AS question, a.comment AS comment
FROM stg_survey_answers AS a
INNER JOIN respondents USING (response_id)
INNER JOIN stg_survey_questions AS q ON q.wave_id = $wave_id AND q.question_id = a.question_id
WHERE a.comment IS NOT NULL AND trim(a.comment) <> ''
ORDER BY md5(a.comment), q.question_id
LIMIT $limit
