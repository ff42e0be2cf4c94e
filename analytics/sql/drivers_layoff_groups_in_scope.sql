-- Layoff audit counts of the orgs in $orgs (or of everyone with $everyone): people at risk and
-- selected per wave, dimension and group, summed over the per-org counts written at load
-- (analytics.stored). No person is read: the selection rates, Fisher tests and suppression are
-- computed from these sums (analytics.layoffs.adverse_impact_from_counts).
SELECT
    layoff_wave, dimension, "group", group_order,
    sum(n)::BIGINT AS n,
    sum(selected)::BIGINT AS selected
FROM mart_drivers_layoff_groups
WHERE $everyone OR list_contains($orgs, org)
GROUP BY layoff_wave, dimension, "group", group_order
ORDER BY layoff_wave, dimension, group_order
