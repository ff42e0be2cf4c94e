-- Answers to each likert5 item of some waves ($wave_ids) per finest cell of respondents (org,
-- team; NULL: withheld in storage), split into the favourability buckets: favourable (4-5),
-- neutral (3), unfavourable (1-2), with the sum of answers for the item mean. Reads
-- (mart_survey_responses). Exact counts: read only by
-- workforce.privacy.items, which releases a cell's item only when the rules allow it.
WITH answers AS (
    SELECT wave_id, org, team, unnest(likert) AS a
    FROM mart_survey_responses
    WHERE list_contains($wave_ids::VARCHAR[], wave_id)
      AND likert IS NOT NULL
)

SELECT
    wave_id,
    org,
    team,
    a.question_id AS question_id,
    count(*) AS answers,
    count(*) FILTER (WHERE a.answer >= 4) AS favourable,
    count(*) FILTER (WHERE a.answer = 3) AS neutral,
    count(*) FILTER (WHERE a.answer <= 2) AS unfavourable,
    sum(a.answer) AS answer_sum
FROM answers
GROUP BY ALL
ORDER BY ALL
