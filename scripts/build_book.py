"""Build the static HTML book of the collection from the manifest (text/_toc.yml).

Usage: .venv-book/bin/python scripts/build_book.py [--out build/book] [--quiet]
(`make book` runs it). Open build/book/html/index.html; no server or network is needed.

Steps, all offline:
1. stage the sources in a temporary folder: the manifest as the Sphinx ToC, book/conf.py and
   book/_static, and each notebook in the manifest with its STORED outputs (nothing is
   executed) turned into what a static page can show:
   * plotly outputs (``application/vnd.plotly.v1+json``) become JSON that book/_static/plots.js
     draws with the one local plotly.js;
   * widget outputs (they need a kernel) become the kernel-free explorer built by
     :mod:`rapprochement.explorers.registry` from the name and arguments the widget recorded in
     its output's metadata; any other widget becomes a short note;
   * links to files of the repository that are not in the book are pointed at the book page
     that holds them (data/README.md) or at a copy of the file (data/*.csv, copied when linked);
2. write the pages that are not notebooks: the explorers, the glossary (glossary.json), the
   reading list (docs/reading-list.md, left out with a notice when it does not exist yet), the
   data notes (data/README.md) and the guide for teachers (solutions/instructor-guide.md
   without its section 4, the facilitation notes, which stay with instructors);
3. run Sphinx (MyST-NB, sphinx-book-theme, sphinx-external-toc);
4. subset Noto Sans CJK (SIL Open Font License) to the Chinese and Cyrillic characters the
   book uses, when the Debian font (fonts-noto-cjk) is installed; otherwise use the subset
   committed in book/_static/fonts and report any character it lacks;
5. make it small (under 3 MB, tests/book/test_book_size.py): drop what no browser loads
   (source maps, translations, fontawesome.js), subset the icon font, drop the theme's CSS
   rules no page can match (scripts/book_css.py), the pages' indentation, and the data files
   no page links to; write each chart once in _static/figures with the JSON the charts share
   written once (scripts/book_figures.py).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat
import plotly.io as pio
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import book_css  # noqa: E402
import book_figures  # noqa: E402

from rapprochement import citations, glossary, quiz
from rapprochement import export as X
from rapprochement import manifest as M
from rapprochement.explorers import registry

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
CJK_FONT_SOURCES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.otf"),
)
FONT_NAME = "rapprochement-cjk.woff2"
# Chinese, Japanese punctuation, full-width forms and Cyrillic: what the subset font covers
# the Russian alphabet is always in the font, so that a page added later renders Russian titles
RUSSIAN_ALPHABET = set("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя")
WIDE_CHARS = re.compile(r"[\u0400-\u04ff\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


# The static outputs (plotly JSON drawn by plots.js, kernel-free explorers for widgets, quiz
# scripts) are made by rapprochement.export, which the offline HTML export uses too.
Counter = X.Counter
figure_html = X.figure_html
_title_of = X._title_of
explorer_json = X.explorer_json
static_for_outputs = X.static_for_outputs


#: Where shared_figure_html writes the explorers' JSON (set by build()); None: inline.
SHARED_FIGURES: Path | None = None


def shared_figure_html(fig: dict[str, Any], div_id: str, label: str, note: str = "") -> str:
    """An explorer as one file in _static/figures, loaded by every page that shows it.

    The explorers of notebook 06 are also on the explorers page (and timelines with the same
    arguments in several notebooks): one copy in the book instead of one per page.
    """
    if SHARED_FIGURES is None:
        return figure_html(fig, div_id, label, note)
    data = pio.to_json(fig, validate=False, remove_uids=True)
    key = hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]
    path = SHARED_FIGURES / f"{key}.js"
    if not path.exists():
        SHARED_FIGURES.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "(window.rapprochementFigures = window.rapprochementFigures || {})"
            f'["{key}"] = {data};\n',
            encoding="utf-8",
        )
    inline = figure_html({"layout": fig.get("layout", {})}, div_id, label, note)
    # the container and note as figure_html writes them; the figure comes from the file
    head, _, rest = inline.partition('<script type="application/json"')
    tail = rest.partition("</script>")[2]
    return (
        f'{head}<script src="_static/figures/{key}.js"></script>'
        f'<script type="application/json" class="rapprochement-figure" data-target="{div_id}" '
        f'data-ref="{key}">{{}}</script>{tail}'
    )


def transform_notebook(nb: nbformat.NotebookNode, stem: str) -> dict[str, int]:
    """Make the stored outputs static (in place); links in markdown point at the book."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = rewrite_links(cell.source)
        for out in cell.get("outputs", []):  # glossary definitions cite works too
            if "text/markdown" in out.get("data", {}):
                out["data"]["text/markdown"] = rewrite_links("".join(out["data"]["text/markdown"]))
    # the book loads jupyterquiz's code once (_static/quiz.js); each page only calls it
    return X.transform_notebook(nb, stem[:2], quiz_scripts="call", explorer_html=shared_figure_html)


# ------------------------------------------------------------------------------ links

_LINK = re.compile(r"(!?)\[([^\]]*)\]\((?!https?:|mailto:|#)([^)\s]+)\)")
#: Files of the staged book a relative link may point at (set by build()).
BOOK_FILES: set[str] = set()
#: The bibliography's keys: the anchors of the reading list's entries (citations.py)
CITED = set(citations.labels(citations.load()))


def rewrite_links(text: str) -> str:
    """Point relative links at what the book holds; others become text naming the file.

    ``../data/README.md`` -> the data page; ``../data/x.csv`` -> the book's copy (a plain HTML
    link, since it is a download, not a page); ``../notebooks/NN-x.ipynb`` -> that chapter; a
    file the book does not hold (an exercise, the instructor guide) -> "text (`path`)", so
    that no link in the book is broken. Images and links to book pages stay as they are.
    """

    def fix(m: re.Match[str]) -> str:
        bang, label, target = m.groups()
        if bang:
            return m.group(0)
        path, _, anchor = target.partition("#")
        anchor = f"#{anchor}" if anchor else ""
        clean = re.sub(r"^(\./)?(\.\./)+", "", path)
        clean = re.sub(r"^notebooks/", "", clean)
        if clean == "data/README.md":
            return f"[{label}](data.md{anchor})"
        if clean == "docs/reading-list.md" and "reading-list.md" in BOOK_FILES:
            if anchor[1:] in CITED:  # a work's entry: an HTML anchor MyST cannot resolve
                return f'<a href="reading-list.html{anchor}">{html.escape(label)}</a>'
            return f"[{label}](reading-list.md{anchor})"
        if re.fullmatch(r"data/[\w.-]+\.(csv|json)", clean):
            shown = html.escape(label.strip("`"))
            shown = f"<code>{shown}</code>" if label.startswith("`") else shown
            return f'<a href="files/{clean}">{shown}</a>'
        if clean in BOOK_FILES and not path.startswith("../"):
            return m.group(0)
        if clean in BOOK_FILES:
            return f"[{label}]({clean}{anchor})"
        return f"{label} (`{target}`)"

    return _LINK.sub(fix, text)


# ------------------------------------------------------------------------------ pages


def page_explorers() -> str:
    blocks = [
        "# Explorers (no kernel needed)\n",
        "Each chart below has its own controls (menus, buttons and sliders above the plot). "
        "They switch between states computed in advance from `data/`, so they work in this "
        "book, in an HTML export and in any notebook viewer that draws plotly, with no "
        "Python running. The charts are drawn by the same functions as the interactive "
        "widgets in the notebooks. Hover over a point for its value and source; click a "
        "legend entry to hide or show it.\n",
        "In a notebook, each explorer is one line, for example "
        "`from rapprochement import explorers; explorers.targets.static()`.\n",
    ]
    ids = Counter("ex")
    for name, explorer in registry.all_explorers().items():
        title = explorer.heading or explorer.title
        where = ""
        if explorer.used_in:
            where = f"Used in notebooks {explorer.used_in}; claims {explorer.claims}. "
        fig = explorer_json(name)
        blocks.append(
            f"## {title}\n\n*{where}In a notebook: "
            f"`explorers.{name}.static()`.*\n\n```{{raw}} html\n"
            f"{shared_figure_html(fig, ids(), title)}\n```\n"
        )
    return "\n".join(blocks)


def page_glossary() -> str:
    lines = [
        "# Glossary\n",
        "The key terms of the collection, as `glossary.show(...)` prints them in the notebooks "
        "(from `src/rapprochement/glossary.json`). ¶ numbers point to the paper's paragraphs.\n",
    ]
    for entry in sorted(
        (glossary.entry(t) for t in glossary.terms()), key=lambda e: e.term.lower()
    ):
        paragraphs = ", ".join(f"¶{p}" for p in entry.paragraphs)
        also = f" Also: {', '.join(entry.aliases)}." if entry.aliases else ""
        where = f" ({paragraphs})" if paragraphs else ""
        text = rewrite_links(citations.render(entry.definition))  # author-year links
        lines.append(f"**{entry.term}**{where}\n: {text}{also}\n")
    return "\n".join(lines)


def page_from_markdown(path: Path, title: str, *, drop_sections: tuple[str, ...] = ()) -> str:
    text = path.read_text(encoding="utf-8")
    if drop_sections:
        kept, skipping = [], False
        for line in text.splitlines():
            if line.startswith("## "):
                skipping = any(line[3:].strip().startswith(s) for s in drop_sections)
            if not skipping:
                kept.append(line)
        text = "\n".join(kept) + "\n"
    if path.parent == ROOT / "data":  # data/README.md links its files by bare name
        text = re.sub(r"\]\((?![\w+.-]+:|#|\.\./|/)([\w.-]+\.(?:csv|json))\)", r"](data/\1)", text)
    text = rewrite_links(text)
    # links to the part of the guide that is not in the book become plain text
    text = re.sub(r"\[([^\]]+)\]\(#4-[^)]*\)", r"\1 (in the instructor copy)", text)
    if not text.lstrip().startswith("# "):
        text = f"# {title}\n\n{text}"
    return text


def write_pages(src: Path, m: M.Manifest) -> list[str]:
    """Write the non-notebook pages; returns the stems left out (optional, missing)."""
    missing = []
    for page in m.pages:
        out = src / f"{page.stem}.md"
        if page.source == "rapprochement.explorers":
            out.write_text(page_explorers(), encoding="utf-8")
        elif page.source.endswith("glossary.json"):
            out.write_text(page_glossary(), encoding="utf-8")
        elif page.source.endswith("instructor-guide.md"):
            text = page_from_markdown(
                ROOT / page.source, page.title, drop_sections=("4. Facilitation notes",)
            )
            text = text.replace("# Instructor guide", f"# {page.title}", 1)
            note = (
                "\n```{note}\nThis is the instructor guide without its facilitation notes "
                "(strong answers and common misreadings for each prompt), which stay in "
                "`solutions/instructor-guide.md` for instructors.\n```\n"
            )
            first_break = text.index("\n\n") if "\n\n" in text else len(text)
            out.write_text(text[:first_break] + "\n" + note + text[first_break:], encoding="utf-8")
        else:
            path = ROOT / page.source
            if not path.is_file():
                if page.optional:
                    missing.append(page.stem)
                    continue
                raise FileNotFoundError(f"{page.source} (book page {page.stem!r}) is missing")
            out.write_text(page_from_markdown(path, page.title), encoding="utf-8")
    return missing


def staged_toc(m: M.Manifest, drop: list[str]) -> dict[str, Any]:
    toc = yaml.safe_load(m.path.read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        part["chapters"] = [c for c in part["chapters"] if c["file"] not in drop]
    return toc


# ------------------------------------------------------------------------------- fonts


def wide_chars(html_dir: Path) -> set[str]:
    chars: set[str] = set()
    for page in html_dir.rglob("*.html"):
        chars.update(WIDE_CHARS.findall(html.unescape(page.read_text(encoding="utf-8"))))
    return chars


def make_font(chars: set[str], out: Path) -> str:
    """Subset Noto Sans CJK SC to ``chars`` (woff2); fall back to the committed subset."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    committed = BOOK / "_static" / "fonts" / FONT_NAME
    source = next((p for p in CJK_FONT_SOURCES if p.is_file()), None)
    if source is not None and chars:
        if source.suffix == ".ttc":
            fonts = TTCollection(str(source)).fonts
            font = next((f for f in fonts if "CJK SC" in f["name"].getDebugName(1)), fonts[0])
        else:
            font = TTFont(str(source))
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(chars)))
        subsetter.subset(font)
        font.flavor = "woff2"
        font.save(str(out))
        if not committed.is_file() or set(chars) - font_chars(committed):
            committed.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out, committed)
        return f"subset of {source.name}: {len(chars)} characters"
    shutil.copyfile(committed, out)
    lacking = chars - font_chars(committed)
    if lacking:
        print(
            f"warning: the committed font lacks {''.join(sorted(lacking))}; install "
            "fonts-noto-cjk (Debian) and rebuild",
            file=sys.stderr,
        )
    return "committed subset (fonts-noto-cjk not installed)"


def font_chars(path: Path) -> set[str]:
    from fontTools.ttLib import TTFont

    return {chr(c) for c in TTFont(str(path)).getBestCmap()}


# ------------------------------------------------------------------------------- build


def build(out: Path, *, quiet: bool = False, keep_src: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    m = M.load()
    html_dir = out / "html"
    # the staged sources (copies of the notebooks) live outside the repository, so that no
    # tool that walks the repository for notebooks finds them; --keep-src keeps a copy
    staging = Path(tempfile.mkdtemp(prefix="rapprochement-book-"))
    src = staging / "src"
    shutil.copytree(BOOK, src, ignore=shutil.ignore_patterns("__pycache__", "fonts"))
    global SHARED_FIGURES
    SHARED_FIGURES = src / "_static" / "figures"
    report: dict[str, Any] = {"notebooks": {}}
    BOOK_FILES.clear()
    BOOK_FILES.update(nb.filename for nb in m.notebooks)
    BOOK_FILES.update(f"{p.stem}.md" for p in m.pages if p.stem != "reading-list")
    if (ROOT / "docs" / "reading-list.md").is_file():
        BOOK_FILES.add("reading-list.md")
    BOOK_FILES.update(f"figures/{p.name}" for p in (ROOT / "notebooks" / "figures").glob("*"))
    for nb_entry in m.notebooks:
        nb = nbformat.read(ROOT / "notebooks" / nb_entry.filename, as_version=4)
        report["notebooks"][nb_entry.stem] = transform_notebook(nb, nb_entry.stem)
        nbformat.write(nb, src / nb_entry.filename)
    for asset in (ROOT / "notebooks" / "figures").glob("*"):
        (src / "figures").mkdir(exist_ok=True)
        shutil.copy2(asset, src / "figures" / asset.name)
    (src / "_static" / "quiz.js").write_text(quiz.library_js(), encoding="utf-8")
    missing = write_pages(src, m)
    # the data files a page links to (rewrite_links made those links), and no others: a file
    # no page links to cannot be reached in the book
    files = src / "_extra" / "files" / "data"
    files.mkdir(parents=True, exist_ok=True)
    staged = "".join(
        f.read_text(encoding="utf-8") for f in src.glob("*.*") if f.suffix in (".md", ".ipynb")
    )
    for name in sorted(set(re.findall(r'href=\\?"files/data/([\w.-]+)\\?"', staged))):
        if name.endswith(".json"):  # the same data without the indentation (a third smaller)
            text = json.dumps(
                json.loads((ROOT / "data" / name).read_text(encoding="utf-8")),
                ensure_ascii=False,
                separators=(",", ":"),
            )
            (files / name).write_text(text + "\n", encoding="utf-8")
        else:
            shutil.copy2(ROOT / "data" / name, files / name)
    report["data_files"] = sorted(p.name for p in files.iterdir())
    if missing:
        print(f"note: left out of the book (source not there yet): {', '.join(missing)}")
    report["left_out"] = missing
    (src / "_toc.yml").write_text(yaml.safe_dump(staged_toc(m, missing), sort_keys=False))
    plotly_js = BOOK / "_static" / "vendor" / "plotly-basic.min.js"
    env = dict(__import__("os").environ)
    if not _vendored_plotly_matches(plotly_js):
        env["RAPPROCHEMENT_PLOTLY_JS"] = "vendor/plotly.min.js"
        from plotly.offline import get_plotlyjs

        (src / "_static" / "vendor" / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
        print("warning: vendored plotly-basic does not match plotly.py; using the full bundle")
    shutil.rmtree(html_dir, ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-W",
        "--keep-going",
        "-n",
        "-q",
        str(src),
        str(html_dir),
        "-d",
        str(staging / "doctrees"),
    ]
    result = subprocess.run(cmd, env=env, check=False)
    # MyST-NB leaves copies of the notebooks beside the output; they are not part of the book
    shutil.rmtree(out / "jupyter_execute", ignore_errors=True)
    if keep_src:
        shutil.rmtree(out / "src", ignore_errors=True)
        shutil.copytree(src, out / "src")
    shutil.rmtree(staging, ignore_errors=True)
    if result.returncode:
        raise SystemExit(f"sphinx-build failed ({result.returncode})")
    (html_dir / "_static" / "fonts").mkdir(parents=True, exist_ok=True)
    shutil.copy2(BOOK / "_static" / "fonts" / "OFL.txt", html_dir / "_static" / "fonts" / "OFL.txt")
    chars = wide_chars(html_dir) | RUSSIAN_ALPHABET
    report["font"] = make_font(chars, html_dir / "_static" / "fonts" / FONT_NAME)
    prune(html_dir)
    report["figures"] = book_figures.share_parts(html_dir)
    report["seconds"] = round(time.perf_counter() - started, 1)
    (out / "build-report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


ICONS = re.compile(r'<i class="(fa-[^"]+)"')
ICONS_CSS = BOOK / "_static" / "icons.css"
FA_SCRIPT = re.compile(r'\s*<script defer src="_static/scripts/fontawesome\.js[^"]*"></script>')


def prune(html_dir: Path) -> None:
    """Drop what no reader's browser loads: source maps, the theme's translations, sources.

    Also swaps the theme's 1.5 MB fontawesome.js for book/_static/icons.css (its webfont),
    after checking that icons.css defines every icon the pages use.
    """
    for path in html_dir.rglob("*.map"):
        path.unlink()
    defined = set(re.findall(r"\.(fa-[a-z-]+)::before", ICONS_CSS.read_text(encoding="utf-8")))
    used: set[str] = set()
    for page in html_dir.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        for classes in ICONS.findall(text):
            used.update(c for c in classes.split() if c.startswith("fa-"))
        page.write_text(squeeze(FA_SCRIPT.sub("", text)), encoding="utf-8")
    used -= {"fa-solid", "fa-lg", "fa-fw"}
    if used - defined:
        raise SystemExit(f"book/_static/icons.css lacks the icons {sorted(used - defined)}")
    (html_dir / "_static" / "scripts" / "fontawesome.js").unlink(missing_ok=True)
    # icons.css uses only the solid webfont; the theme's launch-button logos are switched off
    pages = "".join(p.read_text(encoding="utf-8") for p in html_dir.glob("*.html"))
    webfonts = html_dir / "_static" / "vendor" / "fontawesome" / "webfonts"
    for font in webfonts.glob("*"):
        if font.name not in ICONS_CSS.read_text(encoding="utf-8"):
            font.unlink()
        else:
            subset_icons(font)
    for image in (html_dir / "_static" / "images").glob("logo_*"):
        if image.name not in pages:
            image.unlink()
    for folder in ("_static/locales", "_sources"):
        shutil.rmtree(html_dir / folder, ignore_errors=True)
    # the theme's stylesheets without the rules no page can match (most of Bootstrap)
    used = book_css.used_names(html_dir)
    for css in html_dir.joinpath("_static").rglob("*.css"):
        if css.name not in ("book.css", "icons.css"):
            book_css.purge(css, used)


def subset_icons(font: Path) -> None:
    """Keep in the icon webfont only the glyphs icons.css names (115 KB to a few KB)."""
    from fontTools import subset

    points = {int(c, 16) for c in re.findall(r'content: "\\([0-9a-f]+)"', ICONS_CSS.read_text())}
    if not points:
        raise SystemExit("book/_static/icons.css names no icon code points")
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    loaded = subset.load_font(str(font), options)
    missing = points - set(loaded.getBestCmap())
    if missing:
        raise SystemExit(f"{font.name} lacks the icons {sorted(hex(p) for p in missing)}")
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(loaded)
    subset.save_font(loaded, str(font), options)


KEEP_SPACE = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2>)", re.S | re.I)


def squeeze(page: str) -> str:
    """A page without the indentation Sphinx writes: outside <pre>, <textarea>, <script> and
    <style>, each newline keeps its place (it still separates words) but loses the spaces
    after it. What the browser shows does not change."""
    pieces = KEEP_SPACE.split(page)
    out = []
    for i, piece in enumerate(pieces):
        kind = i % 3
        if kind == 0:
            out.append(re.sub(r"\n[ \t]+", "\n", re.sub(r"\n\s*\n", "\n", piece)))
        elif kind == 1:
            out.append(piece)
    return "".join(out)


def _vendored_plotly_matches(path: Path) -> bool:
    from plotly.offline import get_plotlyjs_version

    if not path.is_file():
        return False
    head = path.read_text(encoding="utf-8")[:200]
    return f"v{get_plotlyjs_version()}" in head


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "book")
    parser.add_argument("--quiet", action="store_true")  # kept for callers; sphinx runs -q
    parser.add_argument(
        "--keep-src", action="store_true", help="keep the staged sources in OUT/src (debugging)"
    )
    args = parser.parse_args(argv)
    report = build(args.out.resolve(), quiet=args.quiet, keep_src=args.keep_src)
    print(f"book built in {report['seconds']} s: {args.out / 'html' / 'index.html'}")
    print(f"font: {report['font']}")


if __name__ == "__main__":
    main()
