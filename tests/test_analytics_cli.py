"""`python -m analytics summary`: the JSON shape on the sample database, and clear refusals."""

from __future__ import annotations

import json
import shutil

import pytest

from analytics.__main__ import main

EFFECT_KEYS = {"estimate", "ci_low", "ci_high", "n"}


@pytest.fixture(scope="module")
def summary(sample_db_path, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("cli") / "summary.json"
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["summary", "--db", str(sample_db_path), "--key-file", str(sample_db_path.parent / "pseudonym.key")])
    assert code == 0
    out.write_text(buffer.getvalue())
    return json.loads(buffer.getvalue())


def test_every_effect_has_the_documented_shape(summary):
    assert set(summary["morale"]) == {"mandate_effect", "span_effect_per_10_reports", "forced_transfer_effect",
                                      "token_effect", "mandate_effect_by_months_since", "mandate_effect_by_org"}
    ratios = dict(summary["attrition"]["hazard_ratio"])
    corrected = ratios.pop("morale_per_point_corrected")  # the sensitivity beside the headline
    assert set(ratios) == {"morale_per_point", "forced_transfer", "span_per_10_reports", "token_intensity_per_sd"}
    assert set(corrected) == EFFECT_KEYS or (corrected["estimate"] is None and corrected["reason"])
    # the headline is the uncorrected fit, also under the key that used to hold it
    assert summary["attrition"]["hazard_ratio_morale_per_point_uncorrected"] == ratios["morale_per_point"]
    assert "tenure band, level and org" in summary["attrition"]["adjusted_for"]
    morale = {k: v for k, v in summary["morale"].items() if isinstance(v, dict)}
    effects = [*morale.values(), *ratios.values(), summary["layoffs"]["selection_odds_ratio_per_sd_tokens"]]
    for effect in effects:
        assert EFFECT_KEYS <= set(effect)
        assert effect["ci_low"] <= effect["estimate"] <= effect["ci_high"] and effect["n"] > 0
    for ratio in [*ratios.values(), summary["layoffs"]["selection_odds_ratio_per_sd_tokens"]]:
        assert ratio["ci_low"] > 0  # ratios, not log-ratios
    assert 0.5 <= summary["attrition"]["concordance"] <= 1


def test_the_mandate_effect_carries_its_checks(summary):
    effect = summary["morale"]["mandate_effect"]
    assert set(effect) - EFFECT_KEYS >= {"parallel_trends", "treated_units", "control_units", "method"}
    assert isinstance(effect["parallel_trends"]["p_value"], float)
    assert effect["parallel_trends"]["rejected"] is False and effect["treated_units"] == 5
    months = summary["morale"]["mandate_effect_by_months_since"]
    assert [row["months"] for row in months] == list(range(-3, 7))
    assert all(set(row) == {"months", "estimate", "ci_low", "ci_high", "n"} for row in months)
    orgs = summary["morale"]["mandate_effect_by_org"]
    assert {"Ads", "Core Platform", "Commerce", "Devices"} <= {row["org"] for row in orgs}
    assert all(set(row) == {"org", "estimate", "ci_low", "ci_high", "n"} for row in orgs)
    assert summary["findings"]["morale.mandate_effect"].startswith("Morale was about")


def test_adverse_impact_rows_hide_small_groups(summary):
    rows = summary["layoffs"]["adverse_impact"]
    assert rows and {"layoff_wave", "dimension", "group", "n", "selection_rate", "impact_ratio", "flagged",
                     "suppressed", "rest_rate", "rest_ratio", "p_holm", "reference", "below_four_fifths"} <= set(rows[0])
    for row in rows:
        if row["suppressed"]:
            assert row["n"] is None and row["selection_rate"] is None
        else:
            assert row["n"] >= 5


def test_the_output_holds_no_identity(summary, sample_con):
    text = json.dumps(summary)
    ids = [r[0] for r in sample_con.execute("SELECT employee_id FROM stg_employees LIMIT 50").fetchall()]
    keys = [r[0] for r in sample_con.execute("SELECT respondent_key FROM stg_survey_submissions LIMIT 50").fetchall()]
    assert not any(f'"{v}"' in text for v in ids + keys)


def test_a_missing_key_file_is_a_clear_refusal(sample_db_path, tmp_path, capsys):
    db = tmp_path / "copy.duckdb"
    shutil.copy(sample_db_path, db)
    assert main(["summary", "--db", str(db)]) == 2  # no pseudonym.key beside the copy
    assert "pseudonym key not found" in capsys.readouterr().err
    assert not (tmp_path / "pseudonym.key").exists()  # and none was created


def test_a_missing_database_is_named(tmp_path, capsys):
    assert main(["summary", "--db", str(tmp_path / "nope.duckdb")]) == 2
    assert "database not found" in capsys.readouterr().err
