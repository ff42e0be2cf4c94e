-- Everyone at risk and everyone selected per layoff wave in the orgs of $orgs (or of everyone
-- with $everyone): the totals each group of drivers_layoff_groups_in_scope.sql is tested against.
SELECT layoff_wave, sum(n)::BIGINT AS n, sum(selected)::BIGINT AS selected
FROM mart_drivers_layoff_totals
WHERE $everyone OR list_contains($orgs, org)
GROUP BY layoff_wave
ORDER BY layoff_wave
