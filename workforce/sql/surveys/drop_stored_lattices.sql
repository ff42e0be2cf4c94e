-- The suppression lattice earlier versions stored (it holds hidden cells' counts): none is kept.
DROP TABLE IF EXISTS mart_survey_lattice
