"""The import structure of the project, read from the source with `ast` (nothing is imported).

What is enforced (docs/architecture.md, "Import layering"):

- no import cycle between the project's modules (module-level imports; a package's
  `__init__` counts as imported by each of its submodules' importers, as Python runs it);
- modules import only downwards through the layers of `LAYERS`: foundation (`workforce.db`,
  viewer, identity, audit, privacy) ← `etl` ← the other `workforce` modules ← `analytics` ←
  the executive summary ← `ui` ← `pages`/`app` ← `bench`;
- no import of the project's own modules inside a function (only optional heavy third-party
  dependencies may be imported late), and no `try`/`except` around the project's own imports;
- `streamlit` only in `app.py`, `pages/`, `ui/` and the bench's app driver `bench/record.py`
  (it runs the pages through Streamlit's AppTest).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pages", "ui", "workforce", "analytics", "etl", "bench")
OWN = {"app", *PACKAGES}

# The layers, lowest first: a module imports only modules of its own layer or a lower one. A module
# belongs to the layer of the longest prefix that names it ("workforce" alone is the package itself).
# The foundation is what the loader needs from `workforce`: database access, viewer and scope, the
# identity map, the audit log, the confidentiality rules; it imports nothing above itself.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # etl.contract: the data contract's names and value sets (constants only, imports nothing of ours)
    ("foundation", ("workforce", "workforce.db", "workforce.inert", "workforce.viewer", "workforce.identity",
                    "workforce.audit", "workforce.privacy", "etl.contract")),
    ("etl", ("etl",)),
    ("queries", ("workforce.",)),  # every other workforce module: query functions, charts, auth, ...
    ("analytics", ("analytics",)),
    # The executive summary phrases analytics' stored findings beside the workforce figures
    # (workforce/summary.py, renamed workforce/executive.py by issue 18's summary work) and the
    # downloadable report built from it (workforce/report.py).
    ("executive", ("workforce.executive", "workforce.report")),
    ("ui", ("ui",)),
    ("pages", ("pages", "app")),
    ("bench", ("bench",)),
)


def _layer(module: str) -> int:
    best, layer = -1, None
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module.startswith(prefix) if prefix.endswith(".") else (
                module == prefix or module.startswith(prefix + ".")
            )
            if matches and len(prefix) > best:
                best, layer = len(prefix), rank
    assert layer is not None, f"{module} is in no layer: add it to LAYERS"
    return layer


# Third-party packages that are heavy and needed only by one analysis: imported inside the function
# that uses them, so a page that never fits the model does not pay for the import.
LATE_THIRD_PARTY = {"lifelines", "statsmodels", "scipy", "diff_diff", "pyspark"}

# Where streamlit may be imported.
STREAMLIT_ALLOWED = ("app", "pages", "ui", "bench.record")

# Function-level imports of the project's own modules in files other helpers are rewriting right
# now (issue 18). Each entry is (module, imported module); the lead removes this list at merge
# once those files import at module level.
PENDING_OTHER_OWNERS: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported module (resolved to a module of the project when it is one)
    line: int
    in_function: bool
    in_try: bool
    type_checking: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _source_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in PACKAGES:
        files += sorted(p for p in (ROOT / package).rglob("*.py") if "data" not in p.relative_to(ROOT).parts)
    return files


FILES = {_module_name(p): p for p in _source_files()}
MODULES = set(FILES)


def _is_package(module: str) -> bool:
    return FILES[module].name == "__init__.py"


def _resolve(current: str, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = current.split(".") if _is_package(current) else current.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _targets(current: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules an import statement loads (for project modules: every package on the way)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = _resolve(current, node.level, node.module)
        names = [base] + [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES]
    out = []
    for name in names:
        parts = name.split(".")
        if parts[0] not in OWN:
            out.append(name)
            continue
        out += [".".join(parts[: i + 1]) for i in range(len(parts)) if ".".join(parts[: i + 1]) in MODULES]
    return out


class _Visitor(ast.NodeVisitor):
    def __init__(self, module: str):
        self.module = module
        self.imports: list[Import] = []
        self._function = 0
        self._try = 0
        self._type_checking = 0

    def _scoped(self, node, attr):
        setattr(self, attr, getattr(self, attr) + 1)
        self.generic_visit(node)
        setattr(self, attr, getattr(self, attr) - 1)

    def visit_FunctionDef(self, node):
        self._scoped(node, "_function")

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_Try(self, node):
        self._try += 1
        for statement in node.body:
            self.visit(statement)
        self._try -= 1
        for part in [*node.handlers, *node.orelse, *node.finalbody]:
            self.visit(part)

    visit_TryStar = visit_Try

    def visit_If(self, node):
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            self._scoped(node, "_type_checking")
        else:
            self.generic_visit(node)

    def _record(self, node):
        for target in _targets(self.module, node):
            self.imports.append(Import(self.module, target, node.lineno, self._function > 0, self._try > 0,
                                       self._type_checking > 0))

    visit_Import = _record
    visit_ImportFrom = _record


def _imports() -> list[Import]:
    out = []
    for module, path in FILES.items():
        visitor = _Visitor(module)
        visitor.visit(ast.parse(path.read_text(), filename=str(path)))
        out += visitor.imports
    return out


IMPORTS = _imports()


def _own(target: str) -> bool:
    return target.split(".")[0] in OWN


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for imp in IMPORTS:
        # A module's own packages are already being imported when it runs: no edge back to them.
        if (_own(imp.target) and not imp.in_function and not imp.type_checking
                and not (imp.module + ".").startswith(imp.target + ".")):
            graph[imp.module].add(imp.target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0

    def strongconnect(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return out


def _path(graph: dict[str, set[str]], component: list[str]) -> str:
    """One cycle through the component's first module, as 'a -> b -> a' (for the failure message)."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v] & members):
            if w == start:
                return " -> ".join(paths[v] + [start])
            if w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    return " , ".join(component)


def _package(module: str) -> str:
    return module.split(".")[0]


# ---- the checker itself finds what it should ---------------------------------------------------

def test_the_walk_sees_the_project():
    assert {"app", "pages.ai_usage", "ui.session", "workforce.db", "analytics.frames", "etl.load",
            "bench.run"} <= MODULES
    # Relative and package imports resolve to the project's modules.
    assert ("etl.adapters", "etl.adapters.base") in {(i.module, i.target) for i in IMPORTS}


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _path(graph, ["a", "b", "c"]) == "a -> b -> c -> a"
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_visitor_tells_function_try_and_type_checking_imports_apart():
    source = (
        "import os\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from workforce import db\n"
        "try:\n    from workforce import usage\nexcept ImportError:\n    pass\n"
        "def f():\n    from etl import load\n"
    )
    visitor = _Visitor("analytics.example")
    visitor.visit(ast.parse(source))
    seen = {(i.target, i.in_function, i.in_try, i.type_checking) for i in visitor.imports}
    assert ("workforce.db", False, False, True) in seen
    assert ("workforce.usage", False, True, False) in seen
    assert ("etl.load", True, False, False) in seen
    assert ("os", False, False, False) in seen


# ---- the rules ---------------------------------------------------------------------------------

def test_no_import_cycle_between_modules():
    graph = _graph()
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(_path(graph, c) for c in cycles)


def test_the_layers_place_modules_as_documented():
    assert LAYERS[_layer("workforce.db")][0] == "foundation"
    assert LAYERS[_layer("workforce.privacy.api")][0] == "foundation"
    assert LAYERS[_layer("workforce")][0] == "foundation"
    assert LAYERS[_layer("workforce.usage")][0] == "queries"
    assert LAYERS[_layer("workforce.charts.usage")][0] == "queries"
    assert LAYERS[_layer("workforce.executive")][0] == "executive"
    assert LAYERS[_layer("etl.loading.write")][0] == "etl"
    assert LAYERS[_layer("app")][0] == "pages"


def _inert_package(module: str) -> bool:
    """A package whose `__init__` imports nothing of the project: running it on the way to one of
    its submodules (e.g. `etl` for `etl.contract`) brings no higher layer along."""
    return module in FILES and _is_package(module) and not any(
        imp.module == module and _own(imp.target) for imp in IMPORTS)


def test_modules_import_only_their_layer_or_below():
    wrong = sorted({
        f"{imp.module}:{imp.line} ({LAYERS[_layer(imp.module)][0]}) imports {imp.target} ({LAYERS[_layer(imp.target)][0]})"
        for imp in IMPORTS
        if _own(imp.target) and not imp.type_checking and _layer(imp.target) > _layer(imp.module)
        and not _inert_package(imp.target)
    })
    assert not wrong, "imports against the layering:\n" + "\n".join(wrong)


def test_no_function_level_import_of_own_modules():
    late = sorted({
        f"{imp.module}:{imp.line} imports {imp.target} inside a function"
        for imp in IMPORTS
        if imp.in_function and _own(imp.target) and (imp.module, imp.target) not in PENDING_OTHER_OWNERS
    })
    assert not late, "\n".join(late)


def test_function_level_imports_are_only_heavy_optional_third_party():
    late = sorted(
        f"{imp.module}:{imp.line} imports {imp.target} inside a function"
        for imp in IMPORTS
        if imp.in_function and not _own(imp.target) and imp.target.split(".")[0] not in LATE_THIRD_PARTY
        and not (imp.target.split(".")[0] == "streamlit" and imp.module.startswith(STREAMLIT_ALLOWED))
    )
    assert not late, "\n".join(late)


def test_no_try_around_own_imports():
    guarded = sorted({f"{imp.module}:{imp.line} guards the import of {imp.target}"
                      for imp in IMPORTS if imp.in_try and _own(imp.target)})
    assert not guarded, "\n".join(guarded)


@pytest.mark.parametrize("package", ["workforce", "analytics", "etl", "bench"])
def test_no_streamlit_below_the_ui(package):
    found = sorted(
        f"{imp.module}:{imp.line}"
        for imp in IMPORTS
        if _package(imp.module) == package and imp.target.split(".")[0] == "streamlit"
        and not (imp.module == "bench.record")
    )
    assert not found, f"streamlit imported in {package}: {found}"


def test_string_registered_steps_respect_the_layering():
    """`etl/loading/derived.py` names steps as 'module:function' strings imported when they run:
    those are imports too, and must not make etl depend on a module that imports etl back at load."""
    path = ROOT / "etl" / "loading" / "derived.py"
    targets = [node.value.split(":")[0] for node in ast.walk(ast.parse(path.read_text()))
               if isinstance(node, ast.Constant) and isinstance(node.value, str)
               and ":" in node.value and node.value.split(":")[0] in MODULES]
    assert targets, "the derived steps are not named as 'module:function' any more: update this test"
    graph = _graph()
    wrong = sorted(t for t in targets if _layer(t) > _layer("etl.loading.derived"))
    # Until steps are registered from above (issue 18, item 3), a step may live in a higher
    # layer only if no module-level import chain leads from its module back to the registry.
    for target in wrong:
        seen, queue = set(), [target]
        while queue:
            v = queue.pop()
            for w in graph[v]:
                if w not in seen:
                    seen.add(w)
                    queue.append(w)
        assert "etl.loading.derived" not in seen, f"{target} imports etl.loading.derived back"


# ---- requirements.txt holds what is imported ---------------------------------------------------

# Distribution name (lower case) -> the name it is imported as, where they differ.
IMPORT_NAMES = {"vadersentiment": "vaderSentiment", "diff-diff": "diff_diff",
                "axe-playwright-python": "axe_playwright_python", "scikit-learn": "sklearn"}
# Requirements nothing imports by name, each with its reason (the line's comment in requirements.txt).
NOT_IMPORTED = {"authlib", "pytest-xdist", "ruff", "peopleanalyticsdata"}


def _requirements() -> dict[str, str]:
    out = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        spec = line.split("#")[0].strip()
        if spec:
            name, _, version = spec.partition("==")
            out[name.strip().lower()] = version.strip()
    return out


def _all_third_party_imports() -> set[str]:
    """Top-level names of every non-project, non-standard-library import of the source and the tests."""
    names = {i.target.split(".")[0] for i in IMPORTS}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in OWN and n not in sys.stdlib_module_names and n not in {"tests", "conftest"}}


def test_every_requirement_is_pinned():
    assert all(version for version in _requirements().values()), "pin every requirement with =="


def test_requirements_hold_only_what_is_imported():
    imported = _all_third_party_imports()
    unused = sorted(name for name in _requirements()
                    if name not in NOT_IMPORTED and IMPORT_NAMES.get(name, name) not in imported)
    assert not unused, f"in requirements.txt but imported nowhere: {unused}"
    wanted = {IMPORT_NAMES.get(name, name) for name in _requirements()}
    missing = sorted(imported - wanted)
    assert not missing, f"imported but not in requirements.txt: {missing}"
