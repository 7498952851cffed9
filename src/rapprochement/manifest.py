"""The collection's one manifest, ``text/_toc.yml``: notebook order, titles, ¶, claims.

The file is a Jupyter Book (sphinx-external-toc, ``jb-book``) table of contents, so the book
builder reads it unchanged; the facts about each notebook live under its ``meta`` key (see
the comment at the top of the file). This module reads it into small typed records and checks
its shape, with a clear error for anything malformed:

>>> from rapprochement import manifest
>>> m = manifest.load()
>>> [nb.stem for nb in m.notebooks][:2]
['00-start-here', '01-context-and-official-frame']
>>> m.claims["C12"].paragraphs
(9,)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "Claim",
    "Manifest",
    "ManifestError",
    "Notebook",
    "Page",
    "ProblemSet",
    "default_path",
    "format_paragraphs",
    "load",
]

_CLAIM_ID = re.compile(r"^C\d{2}$")
_STEM = re.compile(r"^\d{2}-[a-z0-9-]+$")
_PS_NAME = re.compile(r"^ps\d+-[a-z0-9-]+$")


class ManifestError(ValueError):
    """The manifest is missing, malformed or inconsistent; the message says where."""


@dataclass(frozen=True)
class Claim:
    """One claim of the argument map: its id, paragraphs, kind and a one-line summary."""

    id: str
    paragraphs: tuple[int, ...]
    kind: str
    short: str


@dataclass(frozen=True)
class Notebook:
    """One notebook of the walk-through, in reading order."""

    stem: str  # file name without .ipynb, e.g. "06-trade-and-targets"
    title: str
    paragraphs: tuple[int, ...]
    claims: tuple[str, ...]
    quiz: str | None
    problem_sets: tuple[str, ...]
    part: str
    covers: str = ""  # one line for the map of the collection
    sessions: tuple[int, ...] = ()  # (session of the three-session course, of the six-session)

    @property
    def filename(self) -> str:
        return f"{self.stem}.ipynb"

    @property
    def number(self) -> str:
        return self.stem[:2]


@dataclass(frozen=True)
class ProblemSet:
    """A graded problem set (exercises/<name>/<name>.ipynb) and the notebooks it builds on."""

    name: str
    title: str
    paragraphs: tuple[int, ...]
    covers: str

    @property
    def path(self) -> str:
        """Its student notebook, relative to the repository root."""
        return f"exercises/{self.name}/{self.name}.ipynb"


@dataclass(frozen=True)
class Page:
    """A book page that is not a notebook (glossary, data notes...), written by the builder."""

    stem: str
    title: str
    source: str
    optional: bool
    part: str


@dataclass(frozen=True)
class Manifest:
    path: Path
    title: str
    notebooks: tuple[Notebook, ...]
    pages: tuple[Page, ...]
    claims: dict[str, Claim]
    problem_sets: dict[str, ProblemSet] = field(default_factory=dict)

    def notebook(self, stem: str) -> Notebook:
        """The entry for a notebook stem ("06-trade-and-targets"); KeyError names the options."""
        for nb in self.notebooks:
            if nb.stem == stem:
                return nb
        raise KeyError(f"no notebook {stem!r} in {self.path.name}; have {self.stems()}")

    def stems(self) -> list[str]:
        return [nb.stem for nb in self.notebooks]

    def notebooks_for_claim(self, claim: str) -> list[Notebook]:
        return [nb for nb in self.notebooks if claim in nb.claims]

    def notebooks_for_problem_set(self, name: str) -> list[Notebook]:
        """The notebooks a problem set builds on, in reading order."""
        return [nb for nb in self.notebooks if name in nb.problem_sets]


def format_paragraphs(paragraphs: tuple[int, ...]) -> str:
    """(1, 2) -> "¶1-2"; (5, 9) -> "¶5, ¶9"; (1, 5, 7, 8, 9) -> "¶1, ¶5, ¶7-9"; () -> "" ."""
    runs: list[list[int]] = []
    for p in sorted(set(paragraphs)):
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return ", ".join(f"¶{r[0]}" if len(r) == 1 else f"¶{r[0]}-{r[-1]}" for r in runs)


def default_path() -> Path:
    """``text/_toc.yml`` of the repository this package is installed from (editable)."""
    return Path(__file__).resolve().parents[2] / "text" / "_toc.yml"


def _ints(value: Any, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 12 for v in value
    ):
        raise ManifestError(f"{where}: paragraphs must be a list of ¶ numbers 1-12, got {value!r}")
    return tuple(value)


def _strs(value: Any, where: str, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ManifestError(f"{where}: {what} must be a list of names, got {value!r}")
    return tuple(value)


def _notebook(stem: str, title: str, meta: Any, part: str, claim_ids: set[str]) -> Notebook:
    where = f"entry {stem!r}"
    if not _STEM.match(stem):
        raise ManifestError(f"{where}: a notebook stem looks like 'NN-name', got {stem!r}")
    if not isinstance(meta, dict):
        raise ManifestError(f"{where}: needs a 'meta' mapping with paragraphs, claims, quiz")
    unknown = set(meta) - {"paragraphs", "claims", "quiz", "problem_sets", "covers", "sessions"}
    if unknown:
        raise ManifestError(f"{where}: unknown meta keys {sorted(unknown)}")
    claims = _strs(meta.get("claims"), where, "claims")
    bad = [c for c in claims if c not in claim_ids]
    if bad:
        raise ManifestError(f"{where}: claims {bad} are not in the top-level claims table")
    quiz = meta.get("quiz")
    if quiz is not None and not isinstance(quiz, str):
        raise ManifestError(f"{where}: quiz must be a quiz name, got {quiz!r}")
    return Notebook(
        stem=stem,
        title=str(title),
        paragraphs=_ints(meta.get("paragraphs", []), where),
        claims=claims,
        quiz=quiz,
        problem_sets=_strs(meta.get("problem_sets"), where, "problem_sets"),
        part=part,
        covers=str(meta.get("covers", "")),
        sessions=_sessions(meta.get("sessions"), where),
    )


def _sessions(value: Any, where: str) -> tuple[int, ...]:
    """``sessions: [three, six]``: the notebook's session in each course plan (instructor guide)."""
    if value is None:
        return ()
    if not (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and 1 <= value[0] <= 3
        and 1 <= value[1] <= 6
    ):
        raise ManifestError(
            f"{where}: sessions is [session of the three-session course (1-3), "
            f"of the six-session course (1-6)], got {value!r}"
        )
    return (value[0], value[1])


def _problem_set(name: Any, info: Any, where: str) -> ProblemSet:
    if not isinstance(name, str) or not _PS_NAME.match(name):
        raise ManifestError(f"{where}: a problem set is named like 'ps1-name', got {name!r}")
    if not isinstance(info, dict) or not info.get("title"):
        raise ManifestError(f"{where}: problem set {name!r} needs a title (and paragraphs)")
    unknown = set(info) - {"title", "paragraphs", "covers"}
    if unknown:
        raise ManifestError(f"{where}: problem set {name!r} has unknown keys {sorted(unknown)}")
    return ProblemSet(
        name=name,
        title=str(info["title"]),
        paragraphs=_ints(info.get("paragraphs"), f"problem set {name}"),
        covers=str(info.get("covers", "")),
    )


def load(path: str | Path | None = None) -> Manifest:
    """Read and check the manifest (default: :func:`default_path`)."""
    path = Path(path) if path is not None else default_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ManifestError(f"no manifest at {path}") from exc
    except yaml.YAMLError as exc:
        raise ManifestError(f"{path.name} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("format") != "jb-book" or "root" not in raw:
        raise ManifestError(f"{path.name}: expected a jb-book table of contents with a root")
    meta = raw.get("meta") or {}
    claims: dict[str, Claim] = {}
    for cid, info in (meta.get("claims") or {}).items():
        if not _CLAIM_ID.match(str(cid)) or not isinstance(info, dict):
            raise ManifestError(f"{path.name}: bad claim entry {cid!r}")
        claims[cid] = Claim(
            id=cid,
            paragraphs=_ints(info.get("paragraphs"), f"claim {cid}"),
            kind=str(info.get("kind", "")),
            short=str(info.get("short", "")),
        )
    if not claims:
        raise ManifestError(f"{path.name}: meta.claims is empty")

    start = meta.get("start")
    notebooks = [
        _notebook(
            str(raw["root"]),
            str((start or {}).get("title", raw["root"])),
            {k: v for k, v in (start or {}).items() if k != "title"},
            "start",
            set(claims),
        )
    ]
    pages: list[Page] = []
    for part in raw.get("parts") or []:
        caption = str(part.get("caption", ""))
        for chapter in part.get("chapters") or []:
            stem, title = str(chapter.get("file", "")), str(chapter.get("title", ""))
            if not stem or not title:
                raise ManifestError(f"{path.name}: every chapter needs 'file' and 'title'")
            cmeta = chapter.get("meta") or {}
            if "page" in cmeta:
                pages.append(
                    Page(stem, title, str(cmeta["page"]), bool(cmeta.get("optional")), caption)
                )
            else:
                notebooks.append(_notebook(stem, title, cmeta, caption, set(claims)))
    stems = [nb.stem for nb in notebooks] + [p.stem for p in pages]
    duplicates = sorted({s for s in stems if stems.count(s) > 1})
    if duplicates:
        raise ManifestError(f"{path.name}: listed more than once: {duplicates}")
    numbers = [nb.number for nb in notebooks]
    if numbers != sorted(numbers):
        raise ManifestError(f"{path.name}: notebooks are not in numeric order: {numbers}")
    problem_sets = {
        name: _problem_set(name, info, path.name)
        for name, info in (meta.get("problem_sets") or {}).items()
    }
    used = {ps for nb in notebooks for ps in nb.problem_sets}
    if used - set(problem_sets):
        raise ManifestError(
            f"{path.name}: problem sets {sorted(used - set(problem_sets))} are named by a "
            "notebook but not in the top-level problem_sets table"
        )
    if set(problem_sets) - used:
        raise ManifestError(
            f"{path.name}: problem sets {sorted(set(problem_sets) - used)} are in the table but "
            "no notebook names them (list each under the notebooks it builds on)"
        )
    return Manifest(
        path=path,
        title=str(meta.get("title", "")),
        notebooks=tuple(notebooks),
        pages=tuple(pages),
        claims=claims,
        problem_sets=problem_sets,
    )
