-- The response-rate denominator of each wave ($wave_ids) and group: people employed on the wave's opening
-- day in the wave's audience (every org when audience_orgs is NULL), placed by the job_history
-- row in effect that day (int_assignments: valid_to is exclusive, NULL while the row still
-- holds). Headcounts only; no survey data. Counted per org and team first, so
-- the group label is built once per team, not once per person.
WITH placed AS (
    SELECT w.wave_id, a.org, a.team, count(*) AS people
    FROM stg_survey_waves AS w
    JOIN int_assignments AS a ON a.valid_from <= w.opens_on AND (a.valid_to IS NULL OR w.opens_on < a.valid_to)
    WHERE list_contains($wave_ids::VARCHAR[], w.wave_id)
      AND (w.audience_orgs IS NULL OR list_contains(w.audience_orgs, a.org))
      AND list_contains($orgs, a.org)
      AND ($teams IS NULL OR list_contains($teams, a.team))
    GROUP BY ALL
)

SELECT wave_id,
       CASE $by WHEN 'org' THEN org WHEN 'team' THEN org || ' / ' || team ELSE 'All' END AS "group",
       CAST(sum(people) AS BIGINT) AS eligible
FROM placed
GROUP BY ALL
