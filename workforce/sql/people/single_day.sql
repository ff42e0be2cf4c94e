-- One snapshot day, for the "on a date" views.
SELECT CAST($day AS DATE) AS day
