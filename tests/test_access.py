"""Roles and scope through the real app (AppTest): every page in ui/navigation.py for every demo
role, an HR partner probing other orgs, downloads, admin changes, OIDC sign-in, and the survey
form end to end. Runs on a copy of the sample database shared by this module."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import app_as, assert_no_exception, copy_db, point_app, query_db
from tests.conftest import ROOT
from ui.navigation import PAGES, pages_for
from workforce import auth, surveys
from workforce.tables import label_for  # pages show columns by their labels

USERS = ("admin", "exec", "hr", "employee")
NO_ACCESS = "You do not have access"


@pytest.fixture(scope="module")
def role_db(sample_db_path, tmp_path_factory):
    """A module-wide copy of the sample database with today's demo wave and a Beta-style wave
    for an org the HR partner does not support."""
    folder = tmp_path_factory.mktemp("access_db")
    db_path = copy_db(sample_db_path, folder)
    con = duckdb.connect(str(db_path))
    surveys.ensure_demo_wave(con, date.today())
    hr = auth.viewer_for(con, "hr")
    other = next(o for (o,) in con.execute("SELECT DISTINCT org FROM stg_job_history ORDER BY 1").fetchall()
                 if o not in hr.orgs)
    admin = auth.viewer_for(con, "admin")
    form = surveys.WaveForm(title="Other org pulse", opens_on=date.today(), closes_on=date.today() + timedelta(days=7),
                            audience_orgs=[other], question_ids=["qb_morale_1", "qb_enps"])
    wave = surveys.create_wave(con, admin, form, today=date.today())
    con.close()
    mp = pytest.MonkeyPatch()
    point_app(db_path, mp)
    yield {"path": db_path, "hr_orgs": set(hr.orgs), "other_org": other, "other_wave": wave.wave_id}
    mp.undo()


def _viewer(path, username):
    con = duckdb.connect(str(path))
    try:
        return auth.viewer_for(con, username)
    finally:
        con.close()


def page_as(username: str | None, page: str) -> AppTest:
    """Run one page file as `username`, as the router would after its own checks. Quicker than
    app_as (which renders the default page first); the router itself is covered by app_as tests."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    if username is not None:
        at.session_state["username"] = username
    return at.run()


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _errors(at: AppTest) -> str:
    return " ".join(str(e.value) for e in at.error)


MATRIX = [(page.key, user) for page in PAGES for user in USERS]


@pytest.mark.parametrize(("page", "user"), MATRIX)
def test_role_matrix(role_db, page, user):
    """Allowed: listed in navigation and renders without an exception. Denied: not listed, and the
    page itself refuses when run directly (as a URL would)."""
    assert (ROOT / "pages" / f"{page}.py").exists(), f"pages/{page}.py is registered but missing"
    viewer = _viewer(role_db["path"], user)
    spec = next(p for p in PAGES if p.key == page)
    listed = spec in pages_for(viewer)
    at = page_as(user, page)
    if spec.allows(viewer):
        assert listed
        assert_no_exception(at)
        assert NO_ACCESS not in _errors(at)
    else:
        assert not listed
        assert NO_ACCESS in _errors(at)
        assert not at.dataframe and not at.get("vega_lite_chart")


def test_signed_out_visitor_sees_only_the_sign_in_form(role_db):
    at = app_as(None)
    assert_no_exception(at)
    assert [b.label for b in at.button] == ["Sign in"]
    for page in ("morale", "audit_log", "pulse_survey"):
        assert NO_ACCESS in _errors(page_as(None, page))


# A move between orgs is shown to the HR partner of either end (workforce/sql/people/org_flows.sql):
# the counterpart org's name in a flow is about their own people, not a view of that org.


def _displayed_values(at: AppTest) -> set[tuple[str | None, str]]:
    """(column, value) of every table cell, chart data value and filter option on the page."""
    values: set[tuple[str | None, str]] = set()
    for frame in at.dataframe:
        values |= _frame_values(frame.value)
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec) if chart.proto.spec else {}
        for dataset in spec.get("datasets", {}).values():
            values |= _frame_values(pd.DataFrame(dataset))
        for data in chart.proto.datasets:
            values |= _frame_values(_arrow_frame(data.data.data))
    for select in [*at.multiselect, *at.selectbox]:
        values |= {(None, str(o)) for o in select.options}
    return values


def _frame_values(df: pd.DataFrame) -> set[tuple[str | None, str]]:
    return {(str(col), str(v)) for col in df.columns for v in df[col].to_numpy()} | {(None, str(c)) for c in df.columns}


def _arrow_frame(blob: bytes) -> pd.DataFrame:
    import pyarrow as pa

    return pa.ipc.open_stream(blob).read_all().to_pandas() if blob else pd.DataFrame()


def test_hr_partner_never_sees_another_org_on_any_page(role_db):
    """Every page the HR partner may open: no table cell, chart value or filter option names an org
    outside their scope (team labels "Org / team" included), not even as the other end of a move."""
    outside = set(r[0] for r in query_db(role_db["path"], "SELECT DISTINCT org FROM stg_job_history")) - role_db["hr_orgs"]
    viewer = _viewer(role_db["path"], "hr")
    for spec in pages_for(viewer):
        if not (ROOT / spec.path).exists():
            continue
        at = page_as("hr", spec.key)
        assert_no_exception(at)
        leaked = {
            (col, v) for col, v in _displayed_values(at)
            if v in outside or any(v.startswith(f"{o} / ") for o in outside)
        }
        assert not leaked, (spec.key, leaked)


def test_hr_partner_cannot_widen_scope_by_url_or_session_state(role_db):
    """Query parameters are ignored and a forged widget value for another org is refused."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["username"] = "hr"
    at.query_params["org"] = role_db["other_org"]
    at.query_params["orgs"] = role_db["other_org"]
    at.run()
    at.switch_page("pages/survey_waves.py").run()
    assert_no_exception(at)
    waves_table = at.dataframe[0].value
    assert role_db["other_wave"] not in set(waves_table[label_for("wave_id")])
    assert role_db["other_org"] not in {v for _, v in _displayed_values(at)}
    # the role comes from the server on every run: a forged session role changes nothing
    at.session_state["role"] = "admin"
    at.switch_page("pages/audit_log.py").run()
    assert NO_ACCESS in _errors(at)


def test_hr_response_rate_download_is_scoped_and_audited(role_db):
    at = page_as("hr", "survey_waves")
    assert_no_exception(at)
    rates = at.dataframe[1].value
    assert set(rates[label_for("org")]) <= role_db["hr_orgs"]
    assert at.download_button, "the response rates can be downloaded"
    before = query_db(role_db["path"], "SELECT count(*) FROM app_audit_log WHERE action = 'download' AND username = 'hr'")
    at.download_button[0].click().run()
    after = query_db(role_db["path"], "SELECT detail FROM app_audit_log WHERE action = 'download' AND username = 'hr' "
                                    "ORDER BY \"at\" DESC LIMIT 1")
    assert before[0][0] + 1 == query_db(role_db["path"], "SELECT count(*) FROM app_audit_log WHERE action = 'download' "
                                                       "AND username = 'hr'")[0][0]
    assert json.loads(after[0][0])["rows"] == len(rates)


def test_admin_audit_log_shows_sign_ins_views_and_downloads(role_db):
    waves = page_as("admin", "survey_waves")
    waves.download_button[0].click().run()  # a view and a download to find in the log
    at = page_as("admin", "audit_log")
    assert_no_exception(at)
    log = at.dataframe[0].value
    assert {"view"} <= set(log[label_for("action")])
    assert "survey_waves" in set(log[label_for("target")].dropna())
    action = at.selectbox[1]  # Action filter in the sidebar
    action.set_value("download").run()
    filtered = at.dataframe[0].value
    assert len(filtered) > 0 and set(filtered[label_for("action")]) == {"download"}
    at.download_button[0].click().run()
    rows = query_db(role_db["path"], "SELECT target FROM app_audit_log WHERE action = 'download' AND username = 'admin'")
    assert ("audit_log/audit_log.csv",) in rows
    # the audit log never holds survey answers
    details = " ".join(str(d) for (d,) in query_db(role_db["path"], "SELECT detail FROM app_audit_log"))
    assert "qb_morale_1" not in details


@pytest.fixture
def private_db(role_db, tmp_path, monkeypatch):
    """A copy of the role database (and its key) that the app opens, for a test that changes it."""
    return point_app(copy_db(role_db["path"], tmp_path), monkeypatch)


def test_admin_changes_scope_and_it_takes_effect_at_once(role_db, private_db):
    db_path = private_db  # this test changes accounts
    at = page_as("admin", "access_admin")
    assert_no_exception(at)
    at.selectbox(key="access_user").set_value("hr").run()
    orgs = at.multiselect[0]
    new_scope = sorted(role_db["hr_orgs"] | {role_db["other_org"]})
    orgs.set_value(new_scope)
    _button(at, "Save access").click().run()
    assert_no_exception(at)
    assert sorted(r[0] for r in query_db(db_path, "SELECT org FROM app_user_scopes WHERE username = 'hr'")) == new_scope
    change = query_db(db_path, "SELECT detail FROM app_audit_log WHERE action = 'admin_change' AND target = 'hr'")
    assert change and json.loads(change[-1][0])["after"]["orgs"] == new_scope
    hr = page_as("hr", "survey_waves")
    assert role_db["other_wave"] in set(hr.dataframe[0].value[label_for("wave_id")])


def test_admin_creates_and_edits_a_wave_on_the_page(private_db):
    db_path = private_db  # this test adds a wave
    at = page_as("admin", "survey_waves")
    tomorrow = date.today() + timedelta(days=1)  # scheduled, so it can still be edited
    next(t for t in at.text_input if t.label == "Title").input("Spring pulse")
    next(d for d in at.date_input if d.label == "Opens on").set_value(tomorrow)
    next(d for d in at.date_input if d.label == "Closes on").set_value(tomorrow + timedelta(days=6))
    _button(at, "Create wave").click().run()
    assert_no_exception(at)
    assert [s.value for s in at.success] == ["Wave created."]
    created = query_db(db_path, "SELECT wave_id, audience_orgs FROM stg_survey_waves WHERE title = 'Spring pulse'")
    assert len(created) == 1 and created[0][1] is None  # the admin's default: the whole company
    at.selectbox(key="edit_wave_id").set_value(created[0][0]).run()
    titles = [t for t in at.text_input if t.label == "Title"]
    assert len(titles) == 2, "the new wave is scheduled, so the edit form offers it"
    titles[1].input("Spring pulse, edited")
    _button(at, "Save changes").click().run()
    assert_no_exception(at)
    assert [s.value for s in at.success] == ["Wave saved."]
    assert query_db(db_path, "SELECT title FROM stg_survey_waves WHERE wave_id = ?", [created[0][0]]) == [
        ("Spring pulse, edited",)]


def test_last_admin_cannot_lock_everyone_out(role_db, tmp_path):
    db_path = tmp_path / "w.duckdb"
    shutil.copy(role_db["path"], db_path)
    con = duckdb.connect(str(db_path))
    admin = auth.viewer_for(con, "admin")
    with pytest.raises(auth.AccessChangeError, match="last active admin"):
        auth.update_access(con, admin, "admin", role="executive", orgs=[], active=True)
    with pytest.raises(auth.AccessChangeError, match="HR partner needs"):
        auth.update_access(con, admin, "exec", role="hr_partner", orgs=[], active=True)
    with pytest.raises(PermissionError):
        auth.update_access(con, auth.viewer_for(con, "hr"), "hr", role="admin", orgs=[], active=True)
    con.close()


def test_oidc_email_maps_to_an_account_or_person(role_db, tmp_path, monkeypatch):
    db_path = tmp_path / "workforce.duckdb"
    shutil.copy(role_db["path"], db_path)
    monkeypatch.setenv("WORKFORCE_DB", str(db_path))
    email = query_db(db_path, "SELECT e.email FROM stg_employees e JOIN int_assignments a USING (employee_id) "
                            "WHERE a.valid_to IS NULL AND e.email NOT IN (SELECT email FROM app_users "
                            "WHERE email IS NOT NULL) ORDER BY 1 LIMIT 1")[0][0]
    secrets = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                        "client_id": "id", "client_secret": "secret",
                        "server_metadata_url": "https://id.example.com/.well-known/openid-configuration"}}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets = secrets
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button] == ["Sign in with single sign-on"]
    assert not at.text_input  # no local password form when single sign-on is configured
    at.user = {"is_logged_in": True, "email": email.upper(), "name": "Someone"}
    at.run()
    assert_no_exception(at)
    row = query_db(db_path, "SELECT role, password_hash FROM app_users WHERE lower(email) = lower(?)", [email])
    assert row == [("employee", None)]  # a person gets an employee account, never more
    assert query_db(db_path, "SELECT count(*) FROM app_audit_log WHERE action = 'sign_in' AND detail LIKE '%oidc%'")[0][0]
    stranger = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    stranger.secrets = secrets
    stranger.user = {"is_logged_in": True, "email": "nobody@elsewhere.example"}
    stranger.run()
    assert "No access is set up" in _errors(stranger)


def test_pulse_form_keeps_answers_on_error_then_submits_once(private_db):
    db_path = private_db
    at = app_as("employee", "pulse_survey")
    assert_no_exception(at)
    assert "coded key" in " ".join(str(i.value) for i in at.info)  # confidentiality, said plainly
    radios = at.radio
    radios[0].set_value(4)
    at.text_area[0].input("Mostly fine.")
    _button(at, "Submit answers").click().run()  # every other answer missing
    assert "Question 2" in " ".join(str(t.value) for t in at.text)
    assert at.radio[0].value == 4 and at.text_area[0].value == "Mostly fine."  # kept
    assert query_db(db_path, "SELECT count(*) FROM stg_survey_submissions WHERE source = 'app'")[0][0] == 0
    for radio in at.radio[1:]:
        radio.set_value(9 if len(radio.options) == 11 else 3)
    _button(at, "Submit answers").click().run()
    assert_no_exception(at)
    assert "received" in " ".join(str(s.value) for s in at.success)
    assert query_db(db_path, "SELECT count(*) FROM stg_survey_submissions WHERE source = 'app'")[0][0] == 1
    assert query_db(db_path, "SELECT count(*) FROM mart_survey_respondent_wave WHERE response_id IN "
                           "(SELECT response_id FROM stg_survey_submissions WHERE source = 'app')")[0][0] == 1
    again = app_as("employee", "pulse_survey")
    assert "already received" in " ".join(str(s.value) for s in again.success)
    assert not again.button or all(b.label != "Submit answers" for b in again.button)
    results = again.dataframe[0].value
    assert isinstance(results, pd.DataFrame) and len(results) > 0  # company results of closed waves
