-- The month starts the stored monthly people tables cover (mart_people_months).
SELECT day FROM mart_people_months
