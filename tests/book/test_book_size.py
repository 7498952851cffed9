"""The book's size measures (scripts/build_book.py, scripts/book_css.py): each keeps what a
reader sees, and the built book stays under 3 MB."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import book_css  # noqa: E402
import build_book  # noqa: E402


def test_squeeze_keeps_preformatted_text_and_word_breaks() -> None:
    page = (
        "<div>\n    <p>two\n    words</p>\n\n\n  <pre>code\n    indented</pre>\n"
        "<script>\n  var a = 1;\n</script><textarea>\n  typed</textarea></div>"
    )
    assert build_book.squeeze(page) == (
        "<div>\n<p>two\nwords</p>\n<pre>code\n    indented</pre>\n"
        "<script>\n  var a = 1;\n</script><textarea>\n  typed</textarea></div>"
    )


def test_purge_keeps_rules_a_page_or_script_can_use(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text('<div class="used x" id="top"></div>', encoding="utf-8")
    (tmp_path / "a.js").write_text('el.classList.add("shown")', encoding="utf-8")
    css = tmp_path / "t.css"
    css.write_text(
        '@charset "UTF-8";\n/*! licence */\n.used{color:red}.unused{color:blue}'
        ".unused,.x>p{margin:0}#top:hover{color:green}#gone{color:red}.shown{display:block}"
        "@media (max-width:10px){.unused{a:b}.used{c:d}}@keyframes k{0%{opacity:0}}"
        "div{padding:0}",
        encoding="utf-8",
    )
    before, after = book_css.purge(css, book_css.used_names(tmp_path))
    out = css.read_text(encoding="utf-8")
    assert after < before
    assert out.startswith('@charset "UTF-8";\n/*! licence */')
    for kept in (
        ".used{color:red}",
        ".unused,.x>p{margin:0}",
        "#top:hover",
        ".shown{",
        ".used{c:d}",
        "@keyframes k",
        "div{padding:0}",
    ):
        assert kept in out, kept
    for dropped in (".unused{color:blue}", "#gone", ".unused{a:b}"):
        assert dropped not in out, dropped


def test_the_data_page_links_its_files_relative_to_data() -> None:
    text = build_book.page_from_markdown(build_book.ROOT / "data" / "README.md", "Data")
    assert '<a href="files/data/datapackage.json"><code>datapackage.json</code></a>' in text


def test_the_built_book_is_under_3_mb(book: Path) -> None:
    total = sum(p.stat().st_size for p in book.rglob("*") if p.is_file())
    assert total < 3_000_000, f"the book is {total / 1e6:.2f} MB (goal < 3 MB)"
