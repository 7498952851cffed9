"""Read a submitted notebook before grading: is it a notebook, which cells were changed, and
does its code try to tamper with the tests? Nothing here runs student code."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from rapprochement.grading import cells as kinds

__all__ = [
    "Inspection",
    "inspect_notebook",
    "normalise_cells",
    "restore_missing_cells",
    "suspicious_code",
    "test_cells",
]

SUSPICIOUS_ATTRS = {"__eq__", "__ne__", "__hash__", "__float__", "__int__", "__index__"}
SUSPICIOUS_NAMES = {"builtins", "__builtins__", "sys.modules", "ctypes", "gc.get_referrers"}


@dataclass
class Inspection:
    """What a submitted notebook holds, compared with the student version."""

    readable: bool
    error: str = ""
    missing_tests: list[str] = field(default_factory=list)
    edited_tests: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    grade_ids: set[str] = field(default_factory=set)
    upgraded: int = 0
    """The nbformat major version the notebook was upgraded from (0 = already version 4)."""


def test_cells(nb: Any) -> dict[str, str]:
    """{grade_id: source} for the autograder test cells of a notebook."""
    out = {}
    for cell in nb.get("cells", []):
        gid = kinds.grade_id(cell)
        if kinds.is_test(cell) and gid:
            out[gid] = kinds.source(cell)
    return out


def _strip_magics(source: str) -> str:
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def suspicious_code(source: str) -> list[str]:
    """Short descriptions of code that could fool tests run in the same kernel."""
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        return []
    found: list[str] = []
    modules = {"rapprochement", "checks", "sys", "builtins"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules.update((a.asname or a.name).split(".")[0] for a in node.names)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in SUSPICIOUS_ATTRS:
            found.append(f"defines {node.name}")
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                text = ast.unparse(target)
                root = target
                while isinstance(root, ast.Attribute | ast.Subscript):
                    root = root.value
                if isinstance(target, ast.Attribute | ast.Subscript) and (
                    (isinstance(root, ast.Name) and root.id in modules)
                    or any(name in text for name in SUSPICIOUS_NAMES)
                ):
                    found.append(f"assigns {text}")
                elif isinstance(target, ast.Name) and target.id in {"checks", "__builtins__"}:
                    found.append(f"rebinds {target.id}")
        elif isinstance(node, ast.Call):
            text = ast.unparse(node.func)
            if text in {"setattr", "os._exit", "sys.exit", "exit", "quit"}:
                found.append(f"calls {text}")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            if any(n in {"builtins", "ctypes", "gc"} for n in names):
                found.append(f"imports {', '.join(n for n in names if n)}")
    return sorted(set(found))


def inspect_notebook(path: Path, release: Any) -> Inspection:
    """Read ``path`` and compare its test cells with the released student version ``release``."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return Inspection(False, f"not a text file ({exc.reason})")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return Inspection(False, f"not valid notebook JSON (line {exc.lineno}, column {exc.colno})")
    if not isinstance(data, dict):
        return Inspection(False, "JSON file without notebook cells")
    version = data.get("nbformat")
    if version == 3 and isinstance(data.get("worksheets"), list):
        pass  # upgraded below
    elif not isinstance(data.get("cells"), list):
        return Inspection(False, "JSON file without notebook cells")
    elif version not in (4, None):
        return Inspection(False, f"nbformat {version} notebooks are not supported")
    try:
        nb = nbformat.reads(raw, as_version=4)
    except Exception as exc:  # nbformat raises several kinds for malformed notebooks
        return Inspection(False, f"not a readable notebook ({type(exc).__name__})")
    result = Inspection(True, upgraded=3 if version == 3 else 0)
    expected = test_cells(release)
    got = test_cells(nb)
    result.missing_tests = [g for g in expected if g not in got]
    result.edited_tests = [
        g for g in expected if g in got and got[g].strip() != expected[g].strip()
    ]
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        result.grade_ids.add(meta.get("grade_id", ""))
        if cell.cell_type == "code" and not meta.get("locked"):
            result.flags.extend(suspicious_code(cell.source))
    result.grade_ids.discard("")
    result.flags = sorted(set(result.flags))
    return result


def restore_missing_cells(nb: Any, release: Any) -> list[str]:
    """Put back, in place, every graded, answer and locked cell of ``release`` that ``nb`` lacks.

    Each goes after the cell that precedes it in the student version (test cells as
    nbgrader's ``OverwriteCells.add_missing_cells`` would put them; nbgrader fails with a
    KeyError when that preceding answer cell was deleted too, and never re-adds a setup cell),
    so that the notebook that is run is the notebook nbgrader scores: unanswered answer stubs,
    the original setup code and tests. Returns the grade ids put back.
    """
    present = {
        cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") for cell in nb.cells
    } - {None}
    restored: list[str] = []
    last_index = -1
    for cell in release.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if not gid:
            continue
        if gid in present:
            last_index = next(
                i
                for i, c in enumerate(nb.cells)
                if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == gid
            )
            continue
        copy_ = nbformat.from_dict(json.loads(json.dumps(cell)))
        copy_.pop("id", None)
        nb.cells.insert(last_index + 1, copy_)
        last_index += 1
        restored.append(gid)
    return restored


def normalise_cells(nb: Any, release: Any) -> list[str]:
    """Make the grade ids of ``nb`` unambiguous, in place; return reasons in plain words.

    A grade id unknown to the student version (a renamed cell) and every repeat of a grade id
    after its first cell lose their nbgrader marks and become ordinary cells; for a test cell
    the original comes back from the source when grading, so the change costs at most that
    question. nbgrader itself would keep the last copy, or stop with an error.
    """
    known = {
        cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") for cell in release.cells
    } - {None}
    seen: set[str] = set()
    reasons: list[str] = []
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader")
        if not isinstance(meta, dict) or not meta:
            continue
        gid = meta.get("grade_id")
        kind = "test cell" if kinds.is_test(cell) else "cell"
        if not isinstance(gid, str) or gid not in known:
            reasons.append(
                f"{kind} {index + 1} has an unknown id ({str(gid)[:60]}), perhaps renamed: "
                "treated as an ordinary cell"
            )
            cell.metadata.pop("nbgrader")
        elif gid in seen:
            reasons.append(
                f"{kind} {gid} appears more than once: only its first copy counts, "
                f"cell {index + 1} is treated as an ordinary cell"
            )
            cell.metadata.pop("nbgrader")
        else:
            seen.add(gid)
    return reasons
