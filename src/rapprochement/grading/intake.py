"""Find the submissions in a folder, a zip from a learning system, or an nbgrader tree.

The layout is recognised once, from every file of the folder or zip, never file by file:

* Canvas: ``<sortable name>_<user id>_<file id>_<file name>`` (also ``<name>_LATE_<user id>_...``
  and, for anonymous grading, ``anon_<code>_<file id>_...``), flat, as Canvas's ``ContentZipper``
  writes it: ``doejane_12345_67890_ps1.ipynb`` gives student id ``12345``, name ``doejane``;
* Moodle: ``<Full Name>_<participant id>_assignsubmission_file/`` (a folder per student; older
  versions end the folder in ``_``) or the flat ``<Full Name>_<id>_assignsubmission_file_<file>``;
  Moodle turns ``_`` in the name into spaces, so the name holds none: ``Jane Doe_12345_...`` gives
  ``12345`` and ``Jane Doe``;
* nbgrader: ``[submitted/]<student>/<assignment>/<notebook>.ipynb`` gives ``<student>``;
* plain: ``<student>.ipynb``, or ``<student>/<any path>.ipynb``, gives ``<student>``.

The layout that accounts for most files wins (Moodle, then Canvas, then the folder layouts on a
tie). When everything is inside one folder (a zip of a folder) and reads as Canvas, Moodle or
nbgrader only without it, that folder is skipped as a wrapper. A file the chosen layout does not
account for is set aside with the reason, never given to a student by a per-file guess: a file
named like a Moodle submission inside a Canvas zip takes nobody's id.

Student ids keep their letters in any script (``José``, ``张伟``, ``Иван``), normalised to
Unicode NFC; characters that cannot be part of a folder name or that nbgrader's glob would read
as a pattern are replaced. An id longer than :data:`MAX_ID_BYTES` bytes of UTF-8 is cut on a
character boundary and ends in a hash of the whole id, so it stays distinct and the same on every
run; the student's full name stays in :attr:`Submission.name`. Two names that would still land on
the same id, or that differ only in case, get distinct ids and a reason on both rows: no two
students are ever merged silently.

Files that are not notebooks are listed as set aside, with the reason. A zip is extracted into a
working folder within limits (entry count, total size, size of one file, compression ratio);
every entry it skips (a path leaving the archive, a symbolic link, a zip inside the zip, an entry
over a limit, a damaged entry, a duplicate name) is listed with the reason, and a zip that cannot
be read at all is one such line. Path components longer than :data:`MAX_NAME_BYTES` are shortened
on disk the same way as ids; the student is identified from the name as stored in the zip.
Nothing is modified: notebooks are only read.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

__all__ = ["Intake", "Submission", "collect", "safe_student_id", "shorten"]

CANVAS = re.compile(
    r"^(?:(?P<name>[^/]*?)_)??(?P<late>LATE_)?(?P<id>[0-9]+|anon_[0-9A-Za-z]+)_(?P<file_id>[0-9]+)_"
    r"(?P<file>[^/]+)$"
)
"""A file in a Canvas zip. Canvas keeps only word characters of the sortable name and removes
``_<digits>_`` from it, so the first ``_<digits>_<digits>_`` after the name is the ids'."""
MOODLE_DIR = re.compile(
    r"^(?P<name>[^_/]*)_(?P<id>[0-9]+)_assignsubmission_(?P<plugin>[a-z0-9]+)_?$"
)
"""A student's folder in a Moodle zip (Moodle 3.1 and later). Moodle turns ``_`` in a name
into a space."""
MOODLE_FLAT = re.compile(
    r"^(?P<name>[^_/]*)_(?P<id>[0-9]+)_assignsubmission_(?P<plugin>[a-z0-9]+)_(?P<file>.+)$"
)
"""A file in a Moodle zip downloaded without a folder per student."""
IGNORED_PARTS = {"__MACOSX", ".ipynb_checkpoints", ".DS_Store"}

MAX_ENTRIES = 2000
"""Most entries extracted from one zip."""
MAX_TOTAL_BYTES = 500 * 1024**2
"""Most bytes extracted from one zip, in all."""
MAX_FILE_BYTES = 50 * 1024**2
"""Largest single file extracted from a zip."""
MAX_RATIO = 200
"""Largest compression ratio accepted for an entry over 1 MB (zip bombs compress ~1000x)."""
MAX_LISTED = 200
"""Skipped entries listed one by one; the rest are counted in one line."""
MAX_ID_BYTES = 64
"""Longest student id in UTF-8 bytes (before a ``~2`` clash suffix): a folder name, a file name
``<id>.html`` and a gradebook key (nbgrader's column holds 128 characters) all fit."""
MAX_NAME_BYTES = 150
"""Longest file or folder name written when extracting a zip (Linux allows 255 bytes)."""
HASH_CHARS = 8

LAYOUTS = {
    "canvas": "Canvas (<name>_<user id>_<file id>_<file>)",
    "moodle": "Moodle (<Full Name>_<id>_assignsubmission_file/<file>)",
    "nbgrader": "nbgrader's (submitted/<student>/<assignment>/<notebook>.ipynb)",
    "plain": "a notebook or a folder per student (<student>.ipynb or <student>/<file>.ipynb)",
}


@dataclass
class Submission:
    """One student's notebook, as found."""

    student_id: str
    path: Path
    name: str = ""
    """The student's name in full, as the learning system or folder gave it (NFC); the id may be
    a shortened form of it."""
    origin: str = "folder"
    file_name: str = ""
    """The notebook's own file name, without any learning-system prefix."""
    notes: list[str] = field(default_factory=list)
    """Reasons to show on the student's row (also as :attr:`reasons`)."""
    source: str = ""
    """The file's path inside the folder or zip, as found there (never shortened)."""
    late: bool = False
    """Marked late by the learning system (Canvas's ``LATE_``)."""
    timestamp: str = ""
    """When it was submitted, as nbgrader's ``timestamp.txt`` beside it says (nbgrader's
    layout only; empty when unknown)."""
    lms_prefix: str = ""
    """What the learning system put before the file's own name: Canvas's
    ``<name>_<user id>_<file id>_``, Moodle's ``<Full Name>_<id>_assignsubmission_file`` folder
    (its bulk feedback upload matches files by it)."""

    @property
    def reasons(self) -> list[str]:
        return self.notes

    @property
    def full_name(self) -> str:
        return self.name

    @property
    def display_file(self) -> str:
        """The file's name as handed in (the path on disk may be a shortened copy)."""
        return PurePosixPath(self.source).name if self.source else self.path.name


@dataclass
class Intake:
    """What :func:`collect` found: submissions and the files it set aside."""

    submissions: list[Submission]
    rejected: list[tuple[str, str]]
    """(file, reason) for files that cannot be graded as notebooks."""
    layout: str = "plain"
    """canvas, moodle, nbgrader or plain: how the whole folder or zip was read."""


def _readable(text: str) -> str:
    """Text safe to print and to write as UTF-8: a byte of a file name that is not UTF-8 is shown
    as ``\\xNN``, so two such names stay different."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:HASH_CHARS]


def shorten(text: str, max_bytes: int, keep_suffix: str = "") -> str:
    """``text`` when it fits in ``max_bytes`` of UTF-8; else its start, cut on a character
    boundary, then ``~`` and a hash of the whole text, then ``keep_suffix`` (e.g. ``.ipynb``).

    The same text always gives the same result; different texts give different results (up to
    the hash), whatever their script.
    """
    if len(text.encode("utf-8", "surrogateescape")) <= max_bytes:
        return text
    tail = "~" + _digest(text) + keep_suffix
    room = max(0, max_bytes - len(tail.encode("utf-8", "surrogateescape")))
    stem = text[: -len(keep_suffix)] if keep_suffix and text.endswith(keep_suffix) else text
    cut = stem.encode("utf-8", "surrogateescape")[:room].decode("utf-8", "ignore")
    return cut.rstrip(" ._-") + tail


def safe_student_id(raw: str) -> str:
    """A student id usable as a folder name, keeping every letter and digit of any script.

    NFC-normalised; path separators, control characters, glob patterns (nbgrader globs the id),
    ``#`` and ``%`` (formgrader puts the id in links unescaped) and other characters that break
    folder names become ``-``; runs of spaces become one ``_``; ids over
    :data:`MAX_ID_BYTES` bytes are shortened with :func:`shorten`.
    """
    text = unicodedata.normalize("NFC", _readable(raw)).strip()
    out = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace():
            out.append("_")
        elif char in '/\\:*?"<>|[]{}#%' or category[0] == "C":
            out.append("-")
        else:
            out.append(char)
    cleaned = re.sub(r"_+", "_", re.sub(r"-+", "-", "".join(out))).strip("-._")
    return shorten(cleaned, MAX_ID_BYTES).strip("-._") if cleaned else "unknown"


# --- reading a zip ------------------------------------------------------------------------


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name; UTF-8 names stored without the UTF-8 flag (macOS, some Windows tools)
    are decoded as UTF-8 rather than as the zip standard's default code page."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("utf-8")
    return unicodedata.normalize("NFC", name)


def _disk_parts(target: PurePosixPath) -> list[str]:
    parts = []
    for part in target.parts:
        suffix = PurePosixPath(part).suffix
        suffix = suffix if len(suffix.encode()) <= 16 else ""
        parts.append(shorten(part, MAX_NAME_BYTES, suffix))
    return parts


def _extract(archive: Path, into: Path, rejected: list[tuple[str, str]]) -> list[tuple[str, Path]]:
    """Extract within limits; every skipped entry goes to ``rejected`` with its reason.

    Returns (name in the zip, extracted file) for every file written.
    """
    into.mkdir(parents=True, exist_ok=True)
    total = 0
    skipped_quietly = 0
    written_files: list[tuple[str, Path]] = []
    taken: set[str] = set()

    def skip(name: str, reason: str) -> None:
        nonlocal skipped_quietly
        if len(rejected) < MAX_LISTED:
            rejected.append((_readable(name), reason))
        else:
            skipped_quietly += 1

    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        rejected.append(
            (archive.name, f"not graded: the zip is damaged and cannot be read ({exc})")
        )
        return written_files
    with zf:
        for count, info in enumerate(zf.infolist()):
            name = _entry_name(info)
            target = PurePosixPath(name)
            if info.is_dir():
                continue
            if count >= MAX_ENTRIES:
                skip(name, f"not extracted: the zip has more than {MAX_ENTRIES} entries")
                continue
            if target.is_absolute() or ".." in target.parts or "\\" in name or ":" in name:
                skip(name, "not extracted: its path leaves the archive (absolute or ../)")
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                skip(name, "not extracted: a symbolic link")
                continue
            if target.suffix.lower() == ".zip":
                skip(name, "not extracted: a zip inside the zip (unpack it and grade it apart)")
                continue
            if info.file_size > MAX_FILE_BYTES:
                skip(name, f"not extracted: larger than {MAX_FILE_BYTES // 1024**2} MB")
                continue
            if info.file_size > 1024**2 and info.file_size > MAX_RATIO * max(1, info.compress_size):
                skip(name, f"not extracted: compressed more than {MAX_RATIO}x (a zip bomb?)")
                continue
            if total + info.file_size > MAX_TOTAL_BYTES:
                skip(
                    name, f"not extracted: the zip holds more than {MAX_TOTAL_BYTES // 1024**2} MB"
                )
                continue
            parts = _disk_parts(target)
            key = "/".join(parts)
            if key in taken:
                skip(name, "not extracted: the zip holds another entry of the same name")
                continue
            taken.add(key)
            dest = into.joinpath(*parts)
            # the header's sizes may lie: count what really comes out
            written = 0
            problem = ""
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(dest, "wb") as out:
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > MAX_FILE_BYTES or total + written > MAX_TOTAL_BYTES:
                            problem = "not extracted: it unpacks to more than the zip's size limits"
                            break
                        out.write(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
                problem = f"not extracted: damaged in the zip ({exc})"
            except (NotImplementedError, RuntimeError) as exc:  # unknown method, encrypted
                problem = f"not extracted: cannot be unpacked ({exc})"
            except OSError as exc:
                problem = f"not extracted: could not be written ({exc.strerror or exc})"
            if problem:
                with contextlib.suppress(OSError):
                    dest.unlink(missing_ok=True)
                skip(name, problem)
                continue
            total += written
            written_files.append((name, dest))
    if skipped_quietly:
        rejected.append(
            (f"({skipped_quietly} more entries)", "not extracted: see the limits above")
        )
    return written_files


def _walk(root: Path, rejected: list[tuple[str, str]]) -> list[tuple[str, Path]]:
    """(path relative to ``root``, file) for every file in a folder; unreadable folders and
    symbolic links go to ``rejected``."""
    found: list[tuple[str, Path]] = []

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename or root)
        rel = where.relative_to(root).as_posix() if where != root else "."
        rejected.append((_readable(rel), f"not graded: folder cannot be read ({exc.strerror})"))

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        dirs.sort()
        base = Path(folder)
        for entry in list(dirs):
            if (base / entry).is_symlink():
                dirs.remove(entry)
                rel = (base / entry).relative_to(root).as_posix()
                rejected.append((_readable(rel), "a symbolic link; not graded"))
        for entry in sorted(files):
            path = base / entry
            found.append((path.relative_to(root).as_posix(), path))
    return found


# --- recognising the layout ---------------------------------------------------------------


@dataclass
class _Found:
    student: str
    name: str
    file_name: str
    late: bool = False
    prefix: str = ""


TIMESTAMP = "timestamp.txt"


def _read_stamp(file: Path) -> str:
    """The first line of nbgrader's ``timestamp.txt`` (at most 100 bytes), or ""."""
    try:
        with open(file, "rb") as handle:
            head = handle.read(100)
    except OSError:
        return ""
    return head.decode("utf-8", "replace").strip().splitlines()[0] if head.strip() else ""


def _as_canvas(rel: PurePosixPath) -> _Found | None:
    match = CANVAS.match(rel.name) if len(rel.parts) == 1 else None
    if not match:
        return None
    name = match["name"] or ""
    prefix = rel.name[: len(rel.name) - len(match["file"])]
    return _Found(match["id"], name or match["id"], match["file"], bool(match["late"]), prefix)


def _as_moodle(rel: PurePosixPath) -> _Found | None:
    if len(rel.parts) > 1:
        match = MOODLE_DIR.match(rel.parts[0])
        file_name = rel.name
    else:
        match = MOODLE_FLAT.match(rel.name)
        file_name = match["file"] if match else ""
    if not match:
        return None
    folder = f"{match['name']}_{match['id']}_assignsubmission_{match['plugin']}"
    return _Found(match["id"], match["name"] or match["id"], file_name, prefix=folder)


def _as_nbgrader(rel: PurePosixPath, base: tuple[str, ...]) -> _Found | None:
    parts = rel.parts
    if parts[: len(base)] != base or len(parts) != len(base) + 3:
        return None
    return _Found(parts[len(base)], parts[len(base)], rel.name)


def _as_plain(rel: PurePosixPath) -> _Found | None:
    if len(rel.parts) == 1:
        return _Found(rel.stem, rel.stem, "")  # named after the student: own name unknown
    return _Found(rel.parts[0], rel.parts[0], rel.name)


def _layout(rels: list[PurePosixPath], base: tuple[str, ...]) -> str:
    """The layout that accounts for most files (notebooks count double).

    Ties go to Moodle, then Canvas, then nbgrader. The plain layout counts only the notebooks no
    other layout accounts for (it would otherwise read every file of any zip). Without a
    ``submitted/`` folder, nbgrader's layout is chosen only when every notebook follows it: the
    plain layout gives its notebooks the same student ids and keeps the loose ones beside them.
    """
    notebooks = [r for r in rels if r.suffix == ".ipynb"]

    def score(fits: Callable[[PurePosixPath], object]) -> int:
        return sum(2 if r.suffix == ".ipynb" else 1 for r in rels if fits(r))

    nbgrader = [r for r in notebooks if _as_nbgrader(r, base)]
    plain = [
        r
        for r in notebooks
        if not (base and r.parts[: len(base)] == base) and not _as_canvas(r) and not _as_moodle(r)
    ]
    scores = {  # on a tie, the first wins: a Canvas name never reads as Moodle's, the reverse can
        "moodle": score(_as_moodle),
        "canvas": score(_as_canvas),
        "nbgrader": 2 * len(nbgrader) if base or len(nbgrader) == len(notebooks) else 0,
        "plain": 2 * len(plain),
    }
    best = max(scores.values())
    if best == 0:
        return "plain"
    return next(name for name, value in scores.items() if value == best)


def _read_layout(
    rels: list[PurePosixPath],
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(layout, nbgrader's base folder, wrapper folders) for the files of a folder or zip.

    A zip of a folder holds everything in one folder (``ps1 submissions/...``), maybe several
    deep. While every file is inside one folder, the files are also read without it; the first
    depth that reads as Canvas, Moodle, or nbgrader with a ``submitted/`` folder or at least two
    students wins, so that a wrapper is not taken for one student holding the whole class.
    """
    levels: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
    wrapper: tuple[str, ...] = ()
    while True:
        folders = {rel.parts[0] for rel in rels if len(rel.parts) > 1}
        base = ("submitted",) if "submitted" in folders else ()
        layout = _layout(rels, base)
        students = {rel.parts[len(base)] for rel in rels if len(rel.parts) > len(base) + 1}
        if layout in ("canvas", "moodle") or (layout == "nbgrader" and (base or len(students) > 1)):
            return layout, base, wrapper
        levels.append((layout, base, wrapper))
        if len(folders) != 1 or any(len(rel.parts) == 1 for rel in rels):
            return levels[0]
        wrapper += (folders.pop(),)
        rels = [PurePosixPath(*rel.parts[1:]) for rel in rels]


def _identify(rel: PurePosixPath, layout: str, base: tuple[str, ...]) -> _Found | None:
    if layout == "canvas":
        return _as_canvas(rel)
    if layout == "moodle":
        return _as_moodle(rel)
    if layout == "nbgrader":
        return _as_nbgrader(rel, base)
    if base and rel.parts[: len(base)] == base:
        return None
    return _as_plain(rel)


def collect(path: Path, workdir: Path) -> Intake:
    """Find the submissions under ``path`` (a folder or a .zip); extract zips into ``workdir``."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {path}")
    origin_prefix = ""
    rejected: list[tuple[str, str]] = []
    if path.is_file():
        if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            entries = _extract(path, workdir / "extracted", rejected)
            origin_prefix = "zip:"
        elif path.suffix == ".ipynb":
            name = _readable(unicodedata.normalize("NFC", path.stem))
            sub = Submission(safe_student_id(path.stem), path, name, source=_readable(path.name))
            return Intake([sub], [])
        else:
            raise ValueError(f"{path} is neither a folder, a zip file nor a notebook")
    else:
        entries = _walk(path, rejected)

    hidden: list[str] = []
    candidates: list[tuple[PurePosixPath, Path]] = []
    for text, file in entries:
        rel = PurePosixPath(unicodedata.normalize("NFC", text))
        if IGNORED_PARTS.intersection(rel.parts) or any(p.startswith(".") for p in rel.parts):
            hidden.append(_readable(text))
            continue
        if file.is_symlink():
            rejected.append((_readable(text), "a symbolic link; not graded"))
            continue
        candidates.append((rel, file))

    layout, base, wrapper = _read_layout([rel for rel, _ in candidates])
    kind = "zip" if origin_prefix else "folder"
    inside = f" inside {'/'.join(wrapper)}/" if wrapper else ""
    stamps: dict[PurePosixPath, str] = {}
    if layout == "nbgrader":  # nbgrader collect writes the submission time beside the notebook
        for rel, file in candidates:
            inner = PurePosixPath(*rel.parts[len(wrapper) :])
            if rel.name == TIMESTAMP and len(inner.parts) == len(base) + 3:
                stamps[rel.parent] = _read_stamp(file)
    found: list[Submission] = []
    for rel, file in candidates:
        shown = _readable(str(rel))
        if rel.parent in stamps and rel.name == TIMESTAMP:
            continue
        if rel.suffix != ".ipynb":
            rejected.append((shown, "not a notebook (.ipynb); not graded"))
            continue
        who = _identify(PurePosixPath(*rel.parts[len(wrapper) :]), layout, base)
        if who is None:
            rejected.append(
                (
                    shown,
                    f"not graded: the rest of this {kind} is laid out{inside} as "
                    f"{LAYOUTS[layout]}, and this file's name or place does not say whose it is "
                    "(rename or move it)",
                )
            )
            continue
        notes = ["marked LATE by the learning system"] if who.late else []
        origin = "folder" if layout == "plain" else layout
        found.append(
            Submission(
                safe_student_id(who.student),
                file,
                _readable(who.name),
                origin_prefix + origin,
                _readable(who.file_name),
                notes,
                source=shown,
                late=who.late,
                timestamp=stamps.get(rel.parent, ""),
                lms_prefix=_readable(who.prefix),
            )
        )
    if layout == "plain" and len(found) > 1 and len({s.student_id for s in found}) == 1:
        top = PurePosixPath(found[0].source).parts[0]
        if all(len(PurePosixPath(s.source).parts) > 1 for s in found):
            for sub in found:
                sub.notes.append(
                    f"all {len(found)} notebooks are inside the folder {top}/ and were read as "
                    f"one student's; if it holds several students' notebooks, grade {top}/ itself"
                )
    if hidden:
        listed = ", ".join(hidden[:3]) + (f" and {len(hidden) - 3} more" if len(hidden) > 3 else "")
        rejected.append(
            (
                f"({len(hidden)} hidden or system files)",
                f"not graded: hidden files, macOS metadata or checkpoints ({listed})",
            )
        )
    return Intake(_distinct(found), rejected, layout)


def _distinct(found: list[Submission]) -> list[Submission]:
    """Give different students different ids when their names collide after cleaning.

    Submissions are the same student only when their raw names are equal (after NFC); names
    that clean to the same id, or ids equal up to case, get ``~2``, ``~3``... The reason goes on
    both rows: every file of the one renamed and every file of the student who kept the id.
    """
    owner: dict[str, str] = {}  # id used -> raw name
    folded: dict[str, str] = {}  # casefolded id -> first id used
    renamed: dict[tuple[str, str], str] = {}  # (cleaned id, raw name) -> id used
    notes: dict[str, list[str]] = {}  # id used -> reasons for all its files
    for sub in sorted(found, key=lambda s: (s.student_id, s.source, str(s.path))):
        raw = unicodedata.normalize("NFC", sub.name or sub.student_id)
        key = (sub.student_id, raw)
        if key in renamed:
            sub.student_id = renamed[key]
            continue
        sid = sub.student_id
        first = folded.get(sid.casefold(), sid)
        if first in owner and owner[first] != raw:
            n = 2
            while f"{sid}~{n}" in owner:
                n += 1
            new = f"{sid}~{n}"
            shown = f" ({sub.source})" if sub.source else ""
            notes.setdefault(new, []).append(
                f"name {raw!r}{shown} looks like another student's ({first}, {owner[first]!r}) "
                f"but is not the same; graded separately as {new}: check who is who"
            )
            notes.setdefault(first, []).append(
                f"another file{shown} also claims this id under the name {raw!r}; it is graded "
                f"separately as {new}: check who is who"
            )
            sid = new
        renamed[key] = sid
        sub.student_id = sid
        owner[sid] = raw
        folded.setdefault(sid.casefold(), sid)
    for sub in found:
        sub.notes.extend(notes.get(sub.student_id, []))
    return found
