-- person_signals.sql's rows of the flagged people (`signals`).
SELECT * FROM signals WHERE flagged
