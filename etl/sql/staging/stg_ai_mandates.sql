-- What leadership required and when; org '*' means the whole company.
SELECT
    mandate_id,
    org,
    team,
    announced_date,
    effective_date,
    CAST(kind AS ENUM('adoption_target', 'tool_migration', 'usage_quota', 'review_criterion')) AS kind,
    target,
    description
FROM ai_mandates
