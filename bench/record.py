"""Record the query calls each page makes, by running the real page under AppTest.

Every page fetches its data through `ui.session.cached(fn, *args, **kwargs)`. Here that
function is replaced by one that notes the call and runs it, so the benchmark replays exactly
the queries the page runs, with the page's own arguments, and nothing drifts.
Run as a subprocess (`python -m bench.record DB OUT`) so it releases the database file after.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The analyst pages and the user whose default view each is recorded as (whole company).
PAGES = ("executive_summary", "overview", "ai_usage", "org_changes", "morale", "drivers")
USER = "exec"


def record(db_path: Path) -> dict[str, list[tuple]]:
    os.environ["WORKFORCE_DB"] = str(db_path)
    os.environ.setdefault("WORKFORCE_KEY_FILE", str(db_path.parent / "pseudonym.key"))
    sys.path.insert(0, str(ROOT))
    from streamlit.testing.v1 import AppTest

    import ui.session as session

    calls: dict[str, list[tuple]] = {}
    current: list[tuple] = []
    original = session.cached

    def recording_cached(fn, *args, **kwargs):
        current.append((fn, args, kwargs))
        return original(fn, *args, **kwargs)

    session.cached = recording_cached

    # Every chart the pages draw passes through st.altair_chart: note its largest dataset.
    import streamlit as st

    chart_rows = [0]
    original_chart = st.altair_chart

    def measuring_chart(chart, *args, **kwargs):
        datasets = chart.to_dict().get("datasets", {})
        chart_rows[0] = max([chart_rows[0], *(len(rows) for rows in datasets.values())])
        return original_chart(chart, *args, **kwargs)

    st.altair_chart = measuring_chart
    for page in PAGES:
        current.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
        at.session_state["username"] = USER
        at.run()
        at.switch_page(f"pages/{page}.py")
        current.clear()  # only the page's own calls, not the default page's
        at.run()
        if at.exception:
            raise RuntimeError(f"{page} raised: {[e.value for e in at.exception]}")
        # The same call may be made twice in a run (shared helpers); time it once.
        unique = []
        for call in current:
            if call not in unique:
                unique.append(call)
        calls[page] = unique
    (Path(db_path).parent / "chart_rows.json").write_text(json.dumps({"max": chart_rows[0]}))
    return calls


if __name__ == "__main__":
    db, out = Path(sys.argv[1]), Path(sys.argv[2])
    result = record(db)
    out.write_bytes(pickle.dumps(result))
    print({k: len(v) for k, v in result.items()})
