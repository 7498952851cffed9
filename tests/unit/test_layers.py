"""The import graph of the package: no cycles, and no arrow back up the layers
data -> analysis -> tables -> charts -> explorers (read from the source with ast)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import rapprochement

PACKAGE = Path(rapprochement.__file__).parent
#: Lower number = lower layer; a module may import only from its own layer or below.
LAYERS = {"data": 0, "analysis": 1, "tables": 2, "charts": 3, "explorers": 4}


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports at module level or in functions."""
    here = _module(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            if not stem.startswith("rapprochement"):
                continue
            for alias in node.names:
                full = f"{stem}.{alias.name}"
                found.add(full if _exists(full) else stem)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("rapprochement")}
    return found


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").is_file() or (PACKAGE / rel / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    return {_module(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def test_no_arrow_points_back_up_the_layers() -> None:
    upward = [
        f"{mod} -> {dep}"
        for mod, deps in _graph().items()
        for dep in deps
        if _layer(mod) is not None and _layer(dep) is not None and _layer(dep) > _layer(mod)  # type: ignore[operator]
    ]
    assert upward == []


def test_the_import_graph_has_no_cycle() -> None:
    graph = _graph()
    # a package's __init__ may name its own modules (lazily); an arrow from a module to its
    # own package is the usual "from . import x" and is not a cycle of modules
    edges = {
        mod: {d for d in deps if d in graph and not mod.startswith(d + ".") and d != mod}
        for mod, deps in graph.items()
    }
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in edges.get(node, ()):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in edges:
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_graph_reader_sees_known_arrows() -> None:
    graph = _graph()
    assert "rapprochement.charts.targets" in graph["rapprochement.explorers.targets"]
    assert "rapprochement.tables.targets" in graph["rapprochement.charts.targets"] or (
        "rapprochement.tables" in graph["rapprochement.charts.targets"]
    )
    assert "rapprochement.explorers.registry" in graph["rapprochement.export"]


def test_tables_import_neither_plotly_nor_ipywidgets():
    code = (
        "import sys, rapprochement.tables\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('plotly', 'ipywidgets'))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_only_the_data_module_filters_trade_csv_by_reporter_and_flow():
    # data.trade_series is the one place that picks a reporter's flow out of trade.csv
    import re
    from pathlib import Path

    import rapprochement

    pattern = re.compile(r"\btrade\[\s*[\"'](reporter|flow)[\"']\s*\]")
    package = Path(rapprochement.__file__).parent
    offenders = [
        f"{path.name}:{n}"
        for path in package.rglob("*.py")
        if path.name != "data.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
