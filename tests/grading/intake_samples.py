"""Names as Canvas and Moodle write them into their submission zips, for the intake tests.

Canvas (``lib/content_zipper.rb``): ``<name>_[LATE_]<user id>_<attachment id>_<display name>``,
where the name is the sortable name in lower case with every non-word character removed and
``_<digits>_`` taken out, and ``\\ / : * ? " < > |`` and NUL in the display name become ``_``.
Moodle (``mod/assign``, downloader): ``<full name with _ as space>_<participant id>`` then
``_assignsubmission_file/<file>`` (a folder per student; ``..._file_/`` before Moodle 4) or
``_assignsubmission_file_<file>`` (flat).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["canvas_entry", "canvas_name", "moodle_entry", "moodle_name"]


def canvas_name(sortable_name: str) -> str:
    """The name part Canvas writes for a sortable name such as ``Doe, Jane``."""
    name = re.sub(r"_([0-9]+)_", r"\1", sortable_name).lower()
    # Ruby's [[:word:]]: letters, marks, decimal digits, connector punctuation
    return "".join(
        c
        for c in name
        if unicodedata.category(c)[:1] in "LM" or unicodedata.category(c) in ("Nd", "Pc")
    )


def canvas_entry(name: str, user_id: int, file_id: int, file_name: str, late: bool) -> str:
    display = re.sub(r'[\x00/\\:*?"<>|]+', "_", file_name)
    return "_".join([name, *(["LATE"] if late else []), str(user_id), str(file_id), display])


def moodle_name(full_name: str) -> str:
    """Moodle's ``clean_filename`` of a full name whose ``_`` became spaces."""
    name = full_name.replace("_", " ")
    return re.sub(r"[\x00-\x1f\x7f&<>\"`|':\\/]", "", name)


def moodle_entry(name: str, user_id: int, file_name: str, style: str) -> str:
    prefix = f"{name}_{user_id}_assignsubmission_file"
    if style == "folder":
        return f"{prefix}/{file_name}"
    if style == "folder_":
        return f"{prefix}_/{file_name}"
    return f"{prefix}_{file_name}"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
