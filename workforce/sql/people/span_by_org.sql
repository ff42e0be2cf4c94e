-- Span distribution of each org's managers on each snapshot day, and how many of the org's
-- people report to a manager whose span is above the threshold (span > $threshold).
WITH by_manager AS (
    SELECT day, org,
           count(*) AS managers,
           avg(span) AS mean_span,
           median(span) AS median_span,
           quantile_cont(span, 0.9) AS p90_span,
           max(span) AS max_span,
           count(*) FILTER (WHERE span > $threshold) AS managers_above
    FROM manager_spans
    WHERE list_contains($orgs, org)
      AND ($teams IS NULL OR list_contains($teams, team))
    GROUP BY ALL
),
by_person AS (
    SELECT p.day, p.org,
           count(*) AS people,
           count(*) FILTER (WHERE s.span > $threshold) AS people_under_wide
    FROM active AS p
    LEFT JOIN manager_spans AS s ON s.day = p.day AND s.manager_id = p.manager_id
    WHERE list_contains($orgs, p.org)
      AND ($teams IS NULL OR list_contains($teams, p.team))
    GROUP BY ALL
)
SELECT p.day, p.org, coalesce(m.managers, 0) AS managers, m.mean_span, m.median_span, m.p90_span, m.max_span,
       coalesce(m.managers_above, 0) AS managers_above, p.people, p.people_under_wide
FROM by_person AS p
LEFT JOIN by_manager AS m USING (day, org)
