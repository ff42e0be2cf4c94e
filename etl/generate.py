"""Synthetic workforce data: `generate()` writes the 11 contract tables and returns the planted truth.

Usage (the CLI in `etl/__main__.py` calls the same function)::

    from etl.generate import generate, PLANTED
    result = generate(Path("sample_data"), employees=1500, months=12, seed=7, fmt="parquet")
    result.rows["token_usage"], result.truth.tokenmaxxer_ids, PLANTED.mandate_effect

What the data models, and the planted effects tests recover, are described in docs/generator.md;
the numbers themselves live in `etl.planted`.
"""

from etl.generator.core import (
           TABLES,
           GenerationResult,
           MandateTruth,
           PlantedTruth,
           SurveyDesign,
           generate,
           simulate_survey,
)
from etl.planted import PLANTED, MandateScenario, PlantedEffects

__all__ = ["PLANTED", "TABLES", "GenerationResult", "MandateScenario", "MandateTruth", "PlantedEffects", "PlantedTruth",
           "SurveyDesign", "generate", "simulate_survey"]
