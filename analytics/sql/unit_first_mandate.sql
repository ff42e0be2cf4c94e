-- The first date an AI mandate covers each org/team: a mandate covers a unit when its scope is
-- the whole company ('*'), the unit's org, or the unit's org and team. Mandates never end (v1),
-- so "in force on d" is simply first_mandate_date <= d.
WITH units AS (
    SELECT DISTINCT org, team FROM stg_job_history
),

covering AS (
    SELECT u.org, u.team, m.effective_date
    FROM units AS u
    JOIN stg_ai_mandates AS m
        ON m.org = '*'
        OR (m.org = u.org AND (m.team IS NULL OR m.team = u.team))
),

final AS (
    SELECT org, team, min(effective_date) AS first_mandate_date
    FROM covering
    GROUP BY org, team
)

SELECT * FROM final
