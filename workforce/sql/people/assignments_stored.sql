-- assignments.sql's rows as the loader stored them (mart_people_assignments).
SELECT * FROM mart_people_assignments
