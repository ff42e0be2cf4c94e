"""What a person would call broken layout, measured in the browser's DOM.

Charts are drawn by Vega as SVG (Streamlit's default below 2,000 points per dataset), so every
title, axis label and legend entry is a `<text>` whose extent `getBBox` gives. Tables are
Streamlit's grid, whose accessible copy holds the header and cells as text.
"""

from __future__ import annotations

import re

# One entry per chart: the problems found, as sentences.
CHART_PROBLEMS_JS = """root => {
    const out = [];
    const charts = root.querySelectorAll('[data-testid="stVegaLiteChart"]');
    charts.forEach((chart, i) => {
        if (chart.offsetParent === null) return;            // in a closed tab
        const svg = chart.querySelector('svg.marks');
        if (!svg) return;                                    // canvas: nothing to measure
        const box = svg.getBoundingClientRect();   // Vega sizes its SVG to hold titles and legends
        const titleEl = svg.querySelector('g[class*="role-title"] text');
        const name = (titleEl ? titleEl.textContent : (chart.getAttribute('aria-label') || '')).slice(0, 70);
        const say = msg => out.push(`chart ${i} "${name}": ${msg}`);
        if (box.height > 1000) say(`${Math.round(box.height)} px tall`);
        if (box.right > chart.closest('[data-testid="stMain"]').getBoundingClientRect().right + 2)
            say('wider than the page');
        for (const t of svg.querySelectorAll('text')) {
            const text = (t.textContent || '').trim();
            if (!text) continue;
            const hidden = getComputedStyle(t).opacity === '0' || t.getAttribute('opacity') === '0';
            const inAxis = t.closest('g[class*="role-axis-label"]') !== null;
            if (hidden && inAxis) { say(`axis label "${text}" hidden to avoid overlap`); continue; }
            if (hidden) continue;
            if (text.endsWith('…')) say(`text cut to "${text}"`);
            const r = t.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) continue;
            if (r.left < box.left - 4 || r.right > box.right + 4 || r.top < box.top - 4 || r.bottom > box.bottom + 4)
                say(`text "${text.slice(0, 40)}" drawn outside the chart (${Math.round(r.left - box.left)},`
                    + `${Math.round(r.top - box.top)} in ${Math.round(box.width)}×${Math.round(box.height)})`);
        }
        for (const legend of svg.querySelectorAll('g[class*="role-legend"]:not([class*="role-legend-"])')) {
            const r = legend.getBoundingClientRect();
            if (r.right > box.right + 2 || r.bottom > box.bottom + 2) say('legend drawn outside the chart');
        }
        // Vega's symbolLimit shows "… N entries" instead of the rest of a legend.
        for (const t of svg.querySelectorAll('g[class*="role-legend"] text'))
            if (/entries$/.test(t.textContent || '')) say(`legend cut: "${t.textContent}"`);
    });
    return out;
}"""

# One entry per table: its header, whether it scrolls sideways, and its cells' text.
TABLES_JS = """root => Array.from(root.querySelectorAll('[data-testid="stDataFrame"], [data-testid="stTable"]'))
    .filter(t => t.offsetParent !== null)
    .map(t => {
        // the grid's own scroller (an st.table scrolls itself); a grid still loading has none
        const scroller = t.querySelector('.dvn-scroller') || (t.dataset.testid === 'stTable' ? t : null);
        const rows = Array.from(t.querySelectorAll('[role=row], tr')).map(r =>
            Array.from(r.querySelectorAll('[role=gridcell], [role=columnheader], th, td')).map(c => c.textContent.trim()));
        return {overflow: scroller ? scroller.scrollWidth - scroller.clientWidth : 0, width: t.getBoundingClientRect().width,
                header: rows.length ? rows[0] : [], cells: rows.slice(1, 30).flat()};
    })"""

RAW_NAME = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")  # morale_index, wave_id
# Streamlit's accessible copy of a grid holds the values, not the formatted text (the formats
# are tested in tests/test_tables.py); what a value itself can get wrong is checked here.
BAD_CELL = [
    (re.compile(r"^\{.*\}$|^\[.*\]$"), "raw JSON"),
]


def table_problems(tables: list[dict], *, wide: bool) -> list[str]:
    problems = []
    for i, table in enumerate(tables):
        for label in table["header"]:
            if RAW_NAME.match(label):
                problems.append(f"table {i}: column named {label!r}")
        for cell in table["cells"]:
            for pattern, what in BAD_CELL:
                if pattern.search(cell):
                    problems.append(f"table {i}: {what} {cell[:60]!r}")
                    break
        if wide and table["overflow"] > 1:
            problems.append(f"table {i} ({table['header'][:4]}…): cut off, scrolls {table['overflow']} px sideways")
    return sorted(set(problems))
