SELECT vendor, service_tier, multiplier, source FROM ref_tier_multipliers ORDER BY vendor, service_tier
