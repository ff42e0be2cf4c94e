"""The synthetic data generator, split by concern; `etl.generate` is its public face.

- `spec`: the company's fixed vocabulary and the calendar of the story
- `workforce`: org tree, careers, reorgs, layoff, exits, survey-wave snapshots
- `usage`: token usage, model prices, outcomes (vectorised over person x day)
- `survey`: waves, questions, answers from planted latent morale
- `writer`: deterministic Parquet/CSV output
- `core`: `generate()` ties them together and returns the planted truth
"""
