-- The days a query asks about ($days, a list of dates), once each.
SELECT DISTINCT unnest($days::DATE[]) AS day
