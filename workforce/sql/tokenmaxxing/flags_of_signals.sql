-- Every person's org, team and flag, from person_signals.sql's rows (`signals`).
SELECT employee_id, org, team, flagged FROM signals
