-- The person-weeks of the date range (whole ISO weeks) scored against their peers: the ratio of
-- tokens and of agent time to the job family's medians that week, and whether both were at least
-- $ratio times them (far_above). Weeks whose peer group is smaller than $min_peers are left out.
-- Reads the person-weeks the loader stored beside their peers (mart_tokenmaxxing_person_week).
SELECT w.*,
    w.tokens / nullif(w.peer_tokens, 0) AS token_ratio,
    coalesce(w.agent_seconds / nullif(w.peer_agent_seconds, 0), 0) AS agent_ratio,
    w.tokens >= $ratio * w.peer_tokens
        AND w.agent_seconds >= $ratio * coalesce(w.peer_agent_seconds, 0)
        AND w.agent_seconds > 0 AS far_above
FROM mart_tokenmaxxing_person_week AS w
WHERE w.peers >= $min_peers
  AND ($start::DATE IS NULL OR w.week >= date_trunc('week', $start::DATE))
  AND ($end::DATE IS NULL OR w.week <= $end::DATE)
