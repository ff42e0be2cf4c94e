-- Delivered work per person and ISO week (Monday), from every source: the contract's outcomes
-- (the snapshot's stg_outcomes and lone outcomes files appended since) and vendor outcomes
-- mapped to a person (Claude Code analytics, the Copilot per-user report).
-- changes_landed: the larger of the contract's count and Claude Code's pull requests, never
-- their sum: Claude Code only sees the changes it helped with, a subset of the same changes the
-- contract counts. NULL when the week has no source that counts changes (Copilot alone), so a
-- Copilot user is not taken for someone measured at zero changes. agent_assisted_changes: the
-- larger of the two likewise. Commits, lines and tool actions (Claude Code), suggestions
-- accepted and their lines (Copilot) are kept beside it as they come.
WITH contract AS (
    SELECT week_start, employee_id, changes_landed, agent_assisted_changes, reviews_done
    FROM stg_outcomes
    UNION ALL
    SELECT week_start, employee_id, changes_landed, agent_assisted_changes, reviews_done
    FROM stg_vendor_outcomes
    WHERE source = 'contract:outcomes' AND employee_id IS NOT NULL
),

contract_week AS (
    SELECT week_start, employee_id,
        sum(changes_landed) AS changes_landed,
        sum(agent_assisted_changes) AS agent_assisted_changes,
        sum(reviews_done) AS reviews_done
    FROM contract
    GROUP BY ALL
),

vendor_week AS (
    SELECT week_start, employee_id,
        sum(changes_landed) AS changes_landed,
        sum(agent_assisted_changes) AS agent_assisted_changes,
        sum(commits) AS commits,
        sum(lines_added) AS lines_added,
        sum(lines_removed) AS lines_removed,
        sum(tool_actions_accepted) AS tool_actions_accepted,
        sum(tool_actions_rejected) AS tool_actions_rejected,
        sum(suggestions_accepted) AS suggestions_accepted,
        sum(lines_accepted) AS lines_accepted
    FROM stg_vendor_outcomes
    WHERE source <> 'contract:outcomes' AND employee_id IS NOT NULL
    GROUP BY ALL
)

SELECT
    week_start,
    employee_id,
    greatest(c.changes_landed, v.changes_landed)::BIGINT AS changes_landed,
    greatest(c.agent_assisted_changes, v.agent_assisted_changes)::BIGINT AS agent_assisted_changes,
    c.reviews_done::BIGINT AS reviews_done,
    v.changes_landed::BIGINT AS vendor_changes,
    v.commits::BIGINT AS commits,
    v.lines_added::BIGINT AS lines_added,
    v.lines_removed::BIGINT AS lines_removed,
    v.tool_actions_accepted::BIGINT AS tool_actions_accepted,
    v.tool_actions_rejected::BIGINT AS tool_actions_rejected,
    v.suggestions_accepted::BIGINT AS suggestions_accepted,
    v.lines_accepted::BIGINT AS lines_accepted
FROM contract_week AS c
FULL JOIN vendor_week AS v USING (week_start, employee_id)
