-- What the vendors report as delivered beside activity, per org of the viewer's scope: Claude
-- Code pull requests, commits, lines and edit-tool decisions; Copilot suggestions accepted and
-- their lines. Person-weeks mapped to a person, counted in the org of the week's Monday.
-- tokens_per_claude_code_pr: all AI tokens of the person-weeks with Claude Code PRs, per PR.
WITH outcomes AS (
    SELECT o.*, a.org
    FROM mart_outcomes_week AS o
    JOIN int_assignments AS a
        ON a.employee_id = o.employee_id
       AND a.valid_from <= o.week_start
       AND (a.valid_to IS NULL OR o.week_start < a.valid_to)
    WHERE (o.vendor_changes IS NOT NULL OR o.suggestions_accepted IS NOT NULL)
      AND list_contains($orgs, a.org)
      AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, a.team))
      AND ($start::DATE IS NULL OR o.week_start >= date_trunc('week', $start::DATE))
      AND ($end::DATE IS NULL OR o.week_start <= $end::DATE)
),

tokens AS (
    SELECT week, employee_id, sum(total_tokens) AS total_tokens
    FROM mart_usage_person_week
    GROUP BY ALL
)

SELECT
    o.org,
    count(DISTINCT o.employee_id) AS people,
    coalesce(sum(o.vendor_changes), 0)::BIGINT AS claude_code_prs,
    coalesce(sum(o.commits), 0)::BIGINT AS claude_code_commits,
    coalesce(sum(o.lines_added), 0)::BIGINT AS claude_code_lines_added,
    sum(o.tool_actions_accepted)
        / nullif(sum(o.tool_actions_accepted) + sum(o.tool_actions_rejected), 0) AS tool_acceptance_rate,
    coalesce(sum(o.suggestions_accepted), 0)::BIGINT AS copilot_suggestions_accepted,
    coalesce(sum(o.lines_accepted), 0)::BIGINT AS copilot_lines_accepted,
    sum(t.total_tokens) FILTER (WHERE o.vendor_changes > 0) / nullif(sum(o.vendor_changes), 0)
        AS tokens_per_claude_code_pr
FROM outcomes AS o
LEFT JOIN tokens AS t ON t.week = o.week_start AND t.employee_id = o.employee_id
GROUP BY o.org
ORDER BY o.org
