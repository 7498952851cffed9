"""Which web sites the collection accepts as sources for its event rows.

``data/source_domains.csv`` is the reviewed list: one row per accepted domain (an official site,
a state agency, a wire service or newspaper, a think tank), with what it is and why it is
accepted. A page counts as coming from a listed domain when its host is that domain or a
subdomain of it (``en.kremlin.ru`` under ``kremlin.ru``), so ``notkremlin.ru`` does not. Hosts are
read with :mod:`urllib.parse` (the standard library's URL parser), lower-cased and stripped of a
port; no public-suffix list is needed because the list names whole registered domains.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from rapprochement import data

KINDS = (
    "official",
    "state agency",
    "state media",
    "wire service",
    "newspaper",
    "broadcaster",
    "think tank",
)


def host(url: str) -> str:
    """The lower-cased host of ``url``; ValueError when ``url`` is not an http(s) address."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"not an http(s) address: {url!r}")
    return parts.hostname.lower().rstrip(".")


def covered_by(url: str, domains: Iterable[str]) -> str | None:
    """The listed domain that ``url``'s host falls under, or None."""
    h = host(url)
    for domain in domains:
        d = domain.lower().strip(".")
        if h == d or h.endswith("." + d):
            return domain
    return None


def load_domains(path: str | Path | None = None) -> dict[str, dict[str, str]]:
    """The reviewed domains, keyed by domain; ValueError for a duplicate, a bad kind or an
    empty reason."""
    file = Path(path) if path else data.data_dir() / "source_domains.csv"
    out: dict[str, dict[str, str]] = {}
    with file.open(newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            domain = row["domain"].strip().lower()
            if domain in out:
                raise ValueError(f"{file.name}:{line}: {domain} is listed twice")
            if row["kind"] not in KINDS:
                raise ValueError(f"{file.name}:{line}: kind {row['kind']!r} not in {KINDS}")
            if not row["what"].strip() or not row["why_accepted"].strip():
                raise ValueError(f"{file.name}:{line}: {domain} needs what it is and why")
            out[domain] = row
    return out


def unreviewed(rows: Iterable[Mapping[str, str]], domains: Iterable[str]) -> list[str]:
    """``date host`` for every row whose ``source_url`` is not on a listed domain (rows without
    a source are skipped: they cite nothing)."""
    listed = list(domains)
    out = []
    for row in rows:
        url = (row.get("source_url") or "").strip()
        if url and covered_by(url, listed) is None:
            out.append(f"{row['date']} {host(url)}")
    return out
