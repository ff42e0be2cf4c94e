-- Findings of the last load that did not reject it: grouped counts for everyone, details for admins.
SELECT check_name, table_name, sum(n_rows) AS rows_affected, count(*) AS findings,
       CASE WHEN $with_detail THEN string_agg(detail, '; ' ORDER BY detail) END AS detail
FROM stg_data_quality
GROUP BY check_name, table_name
ORDER BY rows_affected DESC, check_name
