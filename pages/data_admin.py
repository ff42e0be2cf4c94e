"""Data (admins): upload vendor usage exports or contract tables, check them, load them with
progress, see the load history and roll back the last load; map vendor identities to people and
see the usage that maps to nobody.

State changes here (loads, rollbacks, map edits), so the small admin tables are read directly
rather than through the data-version cache.
"""

import streamlit as st

from etl import ingest
from etl.adapters.detect import InputFile, max_upload_bytes
from ui.session import db, log_view, require_page
from ui.tables import show_table
from workforce import identity
from workforce.inert import markdown_escape

viewer = require_page("data_admin")
log_view(viewer, "data_admin")
RESULT_KEY = "data_admin_result"

st.title("Data")
st.caption(
    "Load vendor usage exports (Anthropic usage & cost reports, Claude Code analytics, OpenAI organisation usage, "
    "LiteLLM spend logs and daily roll-ups, GitHub Copilot user reports) or contract tables. Nothing is written "
    "until every file passes; the same file twice adds nothing."
)

if RESULT_KEY in st.session_state:
    kind, text = st.session_state.pop(RESULT_KEY)
    (st.success if kind == "success" else st.warning)(text)

st.header("Upload")
uploads = st.file_uploader(
    f"CSV, Parquet, JSON or NDJSON files, up to {max_upload_bytes() / 1024 / 1024:,.0f} MB each",
    type=["csv", "parquet", "json", "ndjson", "jsonl"],
    accept_multiple_files=True,
    key="data_upload",
)
if uploads:
    inputs = [InputFile(f.name, f.getvalue()) for f in uploads]
    # Checked once per upload and data version, not on every rerun of the page.
    signature = (tuple((i.name, i.sha256) for i in inputs), ingest.current_version(db()))
    if st.session_state.get("data_admin_checked", (None,))[0] != signature:
        st.session_state["data_admin_checked"] = (
            signature, ingest.ingest_files(inputs, db(), user=viewer.username, dry_run=True))
    checked = st.session_state["data_admin_checked"][1]
    st.subheader("What was found")
    show_table(checked.files_frame().drop(columns=["sha256"]))
    if checked.status == "rejected":
        st.error(checked.message)
        show_table(checked.problems_frame())
    elif checked.status == "nothing_to_load":
        st.info(checked.message)
    else:
        st.success(checked.message)
        for report in checked.files:
            if report.preview is not None:
                with st.expander(f"Preview: {markdown_escape(report.name)} ({report.kind}: {report.source}, first rows)"):
                    show_table(report.preview)
        if st.button("Load", type="primary", key="data_load"):
            bar = st.progress(0.0, text="Starting")

            def progress(step: str, fraction: float) -> None:
                bar.progress(min(max(fraction, 0.0), 1.0), text=step)

            result = ingest.ingest_files(inputs, db(), user=viewer.username, progress=progress)
            if result.status == "rejected":
                st.error(result.message)
                show_table(result.problems_frame())
            else:
                st.session_state[RESULT_KEY] = ("success", result.message)
                st.rerun()

st.header("Load history")
history = ingest.load_history(db())
if history.empty:
    st.info("No file has been loaded here yet.")
else:
    show_table(history)
    if st.button("Roll back the last load", key="data_rollback"):
        outcome = ingest.rollback_last_load(db(), viewer.username)
        st.session_state[RESULT_KEY] = ("success" if outcome.ok else "warning", outcome.message)
        st.rerun()

st.header("Identity map")
st.caption(
    "Which employee each vendor identity is (email, vendor user id, API key, GitHub login). Emails equal to an "
    "employee's email map by themselves. Add a row per identity; delete a row to unmap it."
)
edited = st.data_editor(
    identity.identity_map(db())[["identity_kind", "identity", "employee_id"]],
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    key="identity_editor",
    column_config={"identity_kind": "Kind of identity", "identity": "Identity", "employee_id": "Employee"},
)
if st.button("Save identity map", key="identity_save"):
    try:
        changed = ingest.save_identity_map(db(), edited, viewer.username)
    except identity.IdentityError as error:
        st.error(f"Not saved: {markdown_escape(error)}")
    else:
        st.session_state[RESULT_KEY] = ("success", f"Identity map saved: {changed} identities changed.")
        st.rerun()

with st.expander("Map in bulk: vendor member lists, or a CSV of id → employee"):
    st.caption("Member lists (Anthropic users and API keys, OpenAI users, projects and project API keys, GitHub "
               "org members or Copilot seats, as their APIs return them) map every id whose email, or whose "
               "creator's email, is an employee's. A CSV with columns identity_kind, identity, employee_id maps "
               "the rest; all or nothing.")
    lists = st.file_uploader("Member lists (JSON)", accept_multiple_files=True, key="members_upload")
    if lists and st.button("Import member lists", key="members_import"):
        imported = ingest.import_member_lists([InputFile(f.name, f.getvalue()) for f in lists], db(),
                                              user=viewer.username)
        if imported.ok:
            st.session_state[RESULT_KEY] = ("success", imported.message)
            st.rerun()
        st.error(imported.message)
        show_table(imported.problems_frame())
    bulk = st.file_uploader("Identity map CSV", type=["csv"], key="map_csv_upload")
    if bulk and st.button("Apply the CSV", key="map_csv_apply"):
        try:
            changed = ingest.import_identity_map_csv(db(), bulk.getvalue(), viewer.username, file=bulk.name)
        except identity.IdentityError as error:
            st.error(f"Not saved: {error}")
        else:
            st.session_state[RESULT_KEY] = ("success", f"Identity map updated: {changed} identities changed.")
            st.rerun()
    show_table(identity.mapped_share(db()))

st.header("Unmapped usage")
summary = identity.unmapped_summary(db())
c1, c2, c3, c4 = st.columns(4)
c1.metric("Identities", f"{summary.identities:,}")
c2.metric("Usage rows", f"{summary.usage_rows:,}")
c3.metric("Tokens", f"{summary.total_tokens:,}")
c4.metric("Cost (USD)", f"${summary.cost_usd:,.2f}",
          help=f"{summary.unpriced_rows:,} rows have neither a reported cost nor a list price"
          if summary.unpriced_rows else None)
if summary.identities:
    st.caption("Kept, and attributed to nobody until mapped above. Cost is reported, else tokens × list price.")
    show_table(identity.unmapped_usage(db()))
else:
    st.success("All loaded vendor usage is attributed to employees.")
