"""Print the seminar handouts: one PDF per notebook, a student copy and an instructor copy.

Usage: .venv-book/bin/python scripts/make_handouts.py [--out build/handouts]
(`make handouts` runs it). Writes build/handouts/student/NN-name.pdf and
build/handouts/instructor/NN-name.pdf, plus the HTML they are printed from.

Each handout has the notebook's learning objectives, its map of the paper (the paragraphs it
reads and the claims it discusses, with their ¶, from text/_toc.yml) and every discussion
prompt of the notebook (the cells tagged `discussion`, in order). The instructor copy adds, after
each prompt, its facilitation notes from section 4 of solutions/instructor-guide.md (matched by
notebook and order, checked against the prompt's title). Printed with Chromium's print to PDF
(Playwright's ``page.pdf`` driving /usr/bin/chromium, or $CHROMIUM), A4, no network.
"""

from __future__ import annotations

import argparse
import difflib
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from markdown_it import MarkdownIt

from rapprochement import citations
from rapprochement import manifest as M
from rapprochement_support import lab

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "solutions" / "instructor-guide.md"
FONT = ROOT / "book" / "_static" / "fonts" / "rapprochement-cjk.woff2"
CITATION = (
    'Zhang Xin, "Opportunities for Further China-Russia Rapprochement", <i>Russia in Global '
    "Affairs</i> 19, no. 3 (2021): 94-100. Paragraphs are cited as ¶1-¶12."
)
_md = MarkdownIt("commonmark").enable("table")


@dataclass(frozen=True)
class Prompt:
    title: str  # the heading line without "### "
    markdown: str  # the whole cell
    claims: tuple[str, ...]


def prompts(path: Path) -> list[Prompt]:
    """The discussion prompts of a notebook, in order (cells tagged `discussion`)."""
    out = []
    for cell in nbformat.read(path, as_version=4).cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type == "markdown" and "discussion" in tags:
            first = cell.source.strip().splitlines()[0]
            claims = tuple(t.removeprefix("claim-") for t in tags if t.startswith("claim-"))
            out.append(Prompt(first.lstrip("#").strip(), cell.source, claims))
    return out


def objectives(path: Path) -> str:
    """The notebook's learning objectives (or "You will" / "What you will be able to do")."""
    cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]
    pattern = re.compile(
        r"^(?:#+\s*|\*\*)(Learning objectives|You will|What you will be able to do)\b.*$",
        re.I | re.M,
    )
    for text in cells:
        m = pattern.search(text)
        if not m:
            continue
        rest = text[m.start() :]
        lines = rest.splitlines()
        body: list[str] = []
        for line in lines:
            if body and line.startswith("#"):
                break
            body.append(line)
        block = "\n".join(body).strip()
        block = re.sub(r"\A#+\s*(.*)$", r"**\1**\n", block, count=1, flags=re.M)
        return block
    # no objectives section: the notebook's opening paragraph says what it does
    opening = cells[0].split("\n\n")
    return "\n\n".join(p for p in opening[1:3] if not p.startswith("#"))


def facilitation_notes(guide: str) -> dict[str, list[tuple[str, str]]]:
    """Section 4 of the guide: {notebook number: [(prompt title, notes markdown), ...]}."""
    section = guide.split("## 4.", 1)[1].split("\n## ", 1)[0]
    notes: dict[str, list[tuple[str, str]]] = {}
    for block in re.split(r"^### ", section, flags=re.M)[1:]:
        heading, _, body = block.partition("\n")
        number = heading[:2]
        if not number.isdigit():
            continue
        entries = re.split(r'^(?=\*\*")', body, flags=re.M)[1:]
        for entry in entries:
            # the title is the quoted part; a qualifier may follow it inside the bold
            # ("**"What is traded?" (evidence hunt)**")
            title = re.match(r'\*\*"(.+?)"', entry)
            notes.setdefault(number, []).append((title.group(1) if title else "", entry.strip()))
    return notes


def _norm(s: str) -> str:
    return " ".join(re.sub(r"[^a-z ]+", " ", s.lower().replace("'", "")).split())


def _similar(a: str, b: str) -> float:
    """How well a guide title ``b`` names a prompt heading ``a`` (1.0: it is in it)."""
    a, b = _norm(a), _norm(b)
    if not b:
        return 0.0  # a note without a title names no prompt
    return 1.0 if b in a else difflib.SequenceMatcher(None, a, b).ratio()


def match_notes(found: list[Prompt], notes: list[tuple[str, str]]) -> list[str | None]:
    """The guide's note for each prompt: the best-named note, each note used at most once.

    A prompt whose heading no note names well enough (similarity under 0.6) gets None, so a
    missing or renamed note shows as a gap rather than as another prompt's notes."""
    pairs = sorted(
        ((_similar(p.title, n[0]), i, j) for i, p in enumerate(found) for j, n in enumerate(notes)),
        key=lambda t: (-t[0], abs(t[1] - t[2])),
    )
    matched: list[str | None] = [None] * len(found)
    used: set[int] = set()
    for score, i, j in pairs:
        if score >= 0.6 and matched[i] is None and j not in used:
            matched[i] = notes[j][1]
            used.add(j)
    return matched


CSS = """
@font-face { font-family: "Rapprochement CJK"; src: url("%(font)s") format("woff2");
  unicode-range: U+0400-04FF, U+2E80-9FFF, U+F900-FAFF, U+FF00-FFEF, U+3000-303F; }
@page { size: A4; margin: 16mm 16mm 18mm 16mm; }
body { font-family: "Rapprochement CJK", "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  font-size: 10.5pt; line-height: 1.4; color: #111; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 6mm; }
h3 { font-size: 11.5pt; margin: 0 0 1.5mm; }
.copy { font-size: 9pt; color: #444; text-transform: uppercase; letter-spacing: 0.05em; }
.cite { font-size: 9pt; color: #333; }
table { border-collapse: collapse; width: 100%%; font-size: 9.5pt; }
th, td { border: 1px solid #aaa; padding: 1mm 2mm; text-align: left; vertical-align: top; }
.prompt { border-left: 3px solid #0072b2; padding: 1mm 0 1mm 4mm; margin: 4mm 0;
  break-inside: avoid-page; }
.notes { border: 1px dashed #d55e00; background: #fff4ec; padding: 1mm 4mm; margin: 2mm 0 0;
  font-size: 9.5pt; }
.notes-title { font-weight: bold; color: #8a3b00; margin: 1mm 0; }
.space { height: 28mm; border-bottom: 1px dotted #bbb; }
"""


_CITATION_HREF = re.compile(r'href="(?:\.\./)*docs/reading-list\.md#([\w-]+)"')


def works_cited(body: str) -> str:
    """``body`` with its citations linked to a "Works cited" list at its end (the full
    references of the reading list, rapprochement.citations), so that a printed or PDF
    handout can be followed without the reading list."""
    entries = {e["id"]: e for e in citations.load()}
    keys = list(dict.fromkeys(k for k in _CITATION_HREF.findall(body) if k in entries))
    if not keys:
        return body
    body = _CITATION_HREF.sub(
        lambda m: f'href="#cite-{m[1]}"' if m[1] in entries else m.group(0), body
    )
    items = "".join(
        f'<li id="cite-{k}">{_md.renderInline(citations.reference(entries[k], key=False))}</li>'
        for k in keys
    )
    return body + f'<h2>Works cited</h2><ul class="works-cited">{items}</ul>'


def handout_html(nb: M.Notebook, m: M.Manifest, *, instructor: bool) -> tuple[str, list[str]]:
    """The handout as HTML, and the prompts that have no facilitation note (instructor copy)."""
    path = ROOT / "notebooks" / nb.filename
    found = prompts(path)
    notes = facilitation_notes(GUIDE.read_text(encoding="utf-8")).get(nb.number, [])
    matched = match_notes(found, notes) if instructor else [None] * len(found)
    paragraphs = ", ".join(f"¶{p}" for p in nb.paragraphs) or "the whole paper"
    rows = []
    for cid in nb.claims:
        claim = m.claims[cid]
        where = [p.title for p in found if cid in p.claims]
        rows.append(
            f"<tr><td>{cid}</td><td>{', '.join(f'¶{p}' for p in claim.paragraphs)}</td>"
            f"<td>{html.escape(claim.kind)}</td><td>{html.escape(claim.short)}</td>"
            f"<td>{html.escape('; '.join(where))}</td></tr>"
        )
    claim_table = (
        "<table><tr><th>claim</th><th>¶</th><th>kind</th><th>in short</th>"
        "<th>discussed in</th></tr>" + "".join(rows) + "</table>"
        if rows
        else "<p>This notebook introduces the paper as a whole; it discusses no single claim.</p>"
    )
    copy_name = "instructor copy" if instructor else "student copy"
    parts = [
        f'<p class="copy">Seminar handout · {copy_name}</p>',
        f"<h1>{html.escape(nb.title)}</h1>",
        f'<p class="cite">{CITATION} Notebook: <code>notebooks/{nb.filename}</code>.</p>',
        "<h2>Objectives</h2>",
        _md.render(objectives(path)),
        "<h2>Map of the paper</h2>",
        f"<p>This notebook reads {paragraphs}. Claims from the collection's argument map:</p>",
        claim_table,
        f"<h2>Discussion prompts ({len(found)})</h2>",
    ]
    missing = []
    for prompt, note in zip(found, matched, strict=True):
        body = _md.render(re.sub(r"^#+\s*", "### ", prompt.markdown.strip(), count=1))
        block = f'<div class="prompt">{body}'
        if instructor:
            if note is None:
                missing.append(prompt.title)
                block += '<div class="notes"><p class="notes-title">Facilitation notes</p>'
                block += "<p>No note for this prompt in the instructor guide.</p></div>"
            else:
                block += '<div class="notes"><p class="notes-title">Facilitation notes</p>'
                block += _md.render(note) + "</div>"
        else:
            block += '<div class="space"></div>'
        parts.append(block + "</div>")
    css = CSS % {"font": FONT.as_uri()}
    doc = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
        f"{html.escape(nb.title)}: seminar handout</title><style>{css}</style></head><body>"
        + works_cited("\n".join(parts))
        + "</body></html>"
    )
    return doc, missing


def make(out: Path, browser: Any = None) -> list[Path]:
    """Write every handout under ``out``; ``browser``: a Playwright Chromium to reuse."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            own = lab.launch_chromium(p)
            try:
                return make(out, own)
            finally:
                own.close()
    m = M.load()
    pdfs: list[Path] = []
    page = browser.new_page()
    # handouts are local files: refuse anything else
    page.route(
        re.compile(r"^(?!file:|data:|about:).*"),
        lambda route: route.abort(),
    )
    for copy in ("student", "instructor"):
        folder = out / copy
        (out / "html" / copy).mkdir(parents=True, exist_ok=True)
        folder.mkdir(parents=True, exist_ok=True)
        for nb in m.notebooks:
            doc, missing = handout_html(nb, m, instructor=copy == "instructor")
            for title in missing:
                print(f"warning: {nb.stem}: no facilitation note for {title!r}", file=sys.stderr)
            html_path = out / "html" / copy / f"{nb.stem}.html"
            html_path.write_text(doc, encoding="utf-8")
            page.goto(html_path.as_uri())
            page.evaluate("document.fonts.ready")
            pdf = folder / f"{nb.stem}.pdf"
            page.pdf(
                path=str(pdf),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=(
                    '<div style="font-size:8px;width:100%;text-align:center;color:#555">'
                    f"{html.escape(nb.title)} · {copy} copy · page "
                    '<span class="pageNumber"></span>/<span class="totalPages"></span></div>'
                ),
                margin={"top": "14mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
            )
            pdfs.append(pdf)
    page.close()
    return pdfs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "handouts")
    args = parser.parse_args(argv)
    pdfs = make(args.out.resolve())
    print(f"{len(pdfs)} handouts in {args.out}/student and {args.out}/instructor")


if __name__ == "__main__":
    main()
