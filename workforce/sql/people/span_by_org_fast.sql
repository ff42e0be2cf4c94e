-- span_by_org.sql on the month starts (`days`): managers' spans from manager_spans (the stored
-- intervals), people and people under a manager above the threshold from the counts per team and
-- manager span the loader stored (mart_people_month_team).
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
    SELECT day, org,
           sum(people)::BIGINT AS people,
           coalesce(sum(people) FILTER (WHERE manager_span > $threshold), 0)::BIGINT AS people_under_wide
    FROM mart_people_month_team
    WHERE day IN (SELECT day FROM days)
      AND list_contains($orgs, org)
      AND ($teams IS NULL OR list_contains($teams, team))
    GROUP BY ALL
)
SELECT p.day, p.org, coalesce(m.managers, 0) AS managers, m.mean_span, m.median_span, m.p90_span, m.max_span,
       coalesce(m.managers_above, 0) AS managers_above, p.people, p.people_under_wide
FROM by_person AS p
LEFT JOIN by_manager AS m USING (day, org)
