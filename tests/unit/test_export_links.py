"""Links in the offline HTML export (`make html`) are followed: every one must resolve.

The whole export of notebooks/ is written to a temporary folder, as `make html` writes
build/html, and every relative ``href`` and ``src`` of every page (the reading list included)
is followed: the file must exist and an anchor must be an ``id`` or ``name`` in it. Links
between notebooks point at their pages, citations at their entries in reading-list.html.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from rapprochement import citations, export

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.ids.update(v for k in ("id", "name") if (v := found.get(k)))
        self.links += [v for k in ("href", "src") if (v := found.get(k)) is not None]


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def follow(out: Path) -> tuple[int, list[str]]:
    """(links followed, broken ones) over every page in ``out``."""
    pages: dict[Path, _Page] = {}

    def parsed(path: Path) -> _Page:
        if path not in pages:
            pages[path] = _parse(path)
        return pages[path]

    followed, broken = 0, []
    for page in sorted(out.glob("*.html")):
        for url in parsed(page).links:
            parts = urlsplit(url)
            if parts.scheme in {"http", "https", "mailto", "data", "javascript"}:
                continue
            followed += 1
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file() or out.resolve() not in target.parents:
                broken.append(f"{page.name}: {url} (no such page in the export)")
            # a browser tries the fragment as written, then percent-decoded
            elif (
                parts.fragment
                and target.suffix == ".html"
                and not {parts.fragment, unquote(parts.fragment)} & parsed(target).ids
            ):
                broken.append(f"{page.name}: {url} (no such anchor)")
    return followed, broken


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html")
    assert export.main([*map(str, NOTEBOOKS), "--out", str(out), "--execute", "never"]) == 0
    return out


def test_every_link_in_the_exported_pages_resolves(exported):
    followed, broken = follow(exported)
    assert not broken, "\n".join(broken)
    assert followed > 200


def test_notebook_links_and_citations_point_at_pages(exported):
    start = (exported / "00-start-here.html").read_text(encoding="utf-8")
    for path in NOTEBOOKS[1:]:
        assert f'href="{path.stem}.html"' in start, path.stem
    assert '.ipynb"' not in start
    labels = citations.labels(citations.load())
    page = (exported / "02-narratives-and-pandemic.html").read_text(encoding="utf-8")
    assert f'<a href="reading-list.html#lo2008axis">{labels["lo2008axis"]}</a>' in page
    assert "[@" not in page.replace("`[@", "")


def test_the_follower_finds_broken_links(tmp_path):
    (tmp_path / "a.html").write_text(
        '<a id="top" href="b.html#x">b</a><a href="#top">up</a><a href="#nowhere">x</a>'
        '<img src="missing.png"><a href="https://example.org">web</a>',
        encoding="utf-8",
    )
    (tmp_path / "b.html").write_text('<p id="y">no x here</p>', encoding="utf-8")
    followed, broken = follow(tmp_path)
    assert followed == 4
    assert broken == [
        "a.html: b.html#x (no such anchor)",
        "a.html: #nowhere (no such anchor)",
        "a.html: missing.png (no such page in the export)",
    ]


def test_rewrite_links_for_pages_written_together_and_for_other_files():
    folder = ROOT / "notebooks"
    pages = export.page_links([folder / "01-a.ipynb"])
    text = (
        "[one](01-a.ipynb#Part) [two](02-b.ipynb) ([Lo 2008](../docs/reading-list.md#lo2008axis)) "
        "[ps](../exercises/ps1/ps1.ipynb) ![pic](figures/x.png) [web](https://x.org)"
    )
    assert export.rewrite_links(text, folder, pages) == (
        "[one](01-a.html#Part) two (`notebooks/02-b.ipynb` in the collection's folder) "
        "([Lo 2008](reading-list.html#lo2008axis)) "
        "ps (`exercises/ps1/ps1.ipynb` in the collection's folder) "
        "![pic](figures/x.png) [web](https://x.org)"
    )
    # one notebook exported alone (JupyterLab's menu): a citation keeps its author-year text
    assert export.rewrite_links("([Lo 2008](../docs/reading-list.md#lo2008axis))", folder, {}) == (
        "(Lo 2008)"
    )
