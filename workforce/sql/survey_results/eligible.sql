-- The response-rate denominator of each wave and group: people employed on the wave's opening
-- day in the wave's audience (every org when audience_orgs is NULL), placed by the job_history
-- row in effect that day. Headcounts only; no survey data.
SELECT w.wave_id,
       CASE $by WHEN 'org' THEN a.org WHEN 'team' THEN a.org || ' / ' || a.team ELSE 'All' END AS "group",
       count(*) AS eligible
FROM stg_survey_waves AS w
JOIN assignments AS a ON a.valid_from <= w.opens_on AND w.opens_on < a.valid_to
WHERE (w.audience_orgs IS NULL OR list_contains(w.audience_orgs, a.org))
  AND list_contains($orgs, a.org)
  AND ($teams IS NULL OR list_contains($teams, a.team))
GROUP BY ALL
