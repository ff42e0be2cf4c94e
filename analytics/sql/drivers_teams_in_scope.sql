-- The team explorer's rows for the orgs in $orgs, from the per-team tables written at load
-- (analytics.stored): the columns and values of team_metrics.sql for the same orgs. Adoption is
-- the one figure that depends on the scope (usage counts when attributed to an org of $orgs).
-- Survey figures are added per view by the confidentiality layer (analytics.stored.team_metrics).
WITH adoption AS (
    SELECT
        org, team,
        coalesce(sum(person_months) FILTER (WHERE list_has_any(usage_orgs, $orgs)), 0) AS adopted
    FROM mart_drivers_team_adoption
    WHERE list_contains($orgs, org)
    GROUP BY org, team
)

SELECT
    t.org, t.team, t.people, t.person_months, t.spend_per_head,
    CAST(a.adopted AS DOUBLE) / CAST(t.person_months AS DOUBLE) AS adoption,
    t.span, t.forced_share, t.attrition
FROM mart_drivers_team_metrics AS t
JOIN adoption AS a USING (org, team)
WHERE list_contains($orgs, t.org)
ORDER BY t.org, t.team
