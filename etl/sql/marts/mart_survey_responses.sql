-- One row per submission (file and app alike) with everything the survey pages aggregate, so a
-- group's figures are read from one row per respondent instead of a join over every answer:
-- where the person sat (org, team, level, tenure band), their mean likert5 answer per theme
-- (score_*; NULL when they answered none of that theme), their eNPS answer (the mean should a
-- wave ask it twice), their likert5 answers and their non-blank comments. No employee id, no
-- respondent key, no submission time. Read only through workforce.privacy (every survey figure
-- and every lattice); an in-app submission adds its row, with this SQL, in its own transaction
-- (workforce/surveys/submission.py), so the mart is always exactly the submissions.
SELECT
    s.wave_id,
    s.response_id,
    s.org,
    s.team,
    s.level,
    s.tenure_band,
    avg(a.value) FILTER (WHERE q.kind = 'likert5' AND q.theme = 'morale' AND a.value IS NOT NULL) AS score_morale,
    avg(a.value) FILTER (WHERE q.kind = 'likert5' AND q.theme = 'manager' AND a.value IS NOT NULL) AS score_manager,
    avg(a.value) FILTER (WHERE q.kind = 'likert5' AND q.theme = 'ai_tools' AND a.value IS NOT NULL) AS score_ai_tools,
    avg(a.value) FILTER (WHERE q.kind = 'likert5' AND q.theme = 'workload' AND a.value IS NOT NULL) AS score_workload,
    avg(a.value) FILTER (WHERE q.kind = 'likert5' AND q.theme = 'career' AND a.value IS NOT NULL) AS score_career,
    avg(a.value) FILTER (
        WHERE q.kind = 'likert5' AND q.theme = 'intent_to_stay' AND a.value IS NOT NULL
    ) AS score_intent_to_stay,
    avg(a.value) FILTER (WHERE q.kind = 'enps' AND a.value IS NOT NULL) AS enps,
    list({'question_id': a.question_id, 'answer': CAST(a.value AS INTEGER)})
        FILTER (WHERE q.kind = 'likert5' AND a.value IS NOT NULL) AS likert,
    list({'question_id': a.question_id, 'comment': a.comment})
        FILTER (WHERE q.question_id IS NOT NULL AND a.comment IS NOT NULL AND trim(a.comment) <> '') AS comments
FROM stg_survey_submissions AS s
LEFT JOIN stg_survey_answers AS a ON a.response_id = s.response_id
LEFT JOIN stg_survey_questions AS q ON q.wave_id = s.wave_id AND q.question_id = a.question_id
GROUP BY s.wave_id, s.response_id, s.org, s.team, s.level, s.tenure_band
