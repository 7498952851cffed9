"""Every event row cites a site on the reviewed list data/source_domains.csv (official sites,
state agencies, wire services, newspapers, think tanks), not an aggregator.

test_every_event_row_cites_a_reviewed_site lists the rows (date and host) whose source is not on
the list; the rows still waiting for a citable page are named in STILL_TO_REPLACE, which may
only shrink. Replace a row's source only with a page checked to state the row's date and facts
(data/sources/, then scripts/build_data.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import build_data

from rapprochement import data, sources

DOMAINS = sources.load_domains()


def _events() -> list[dict[str, str]]:
    with (data.data_dir() / "events.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_host_and_subdomains() -> None:
    assert sources.host("https://EN.Kremlin.ru:443/events/1") == "en.kremlin.ru"
    assert sources.covered_by("http://en.kremlin.ru/x", ["kremlin.ru"]) == "kremlin.ru"
    assert sources.covered_by("https://kremlin.ru/x", ["kremlin.ru"]) == "kremlin.ru"
    # a look-alike host is not a subdomain
    assert sources.covered_by("https://notkremlin.ru/x", ["kremlin.ru"]) is None
    assert sources.covered_by("https://kremlin.ru.example.com/x", ["kremlin.ru"]) is None
    with pytest.raises(ValueError, match="not an http"):
        sources.host("ftp://un.org/a")


def test_unreviewed_lists_rows_off_the_list_and_skips_rows_without_a_source() -> None:
    rows = [
        {"date": "2022-03-02", "source_url": "https://press.un.org/en/2022/x.htm"},
        {"date": "2022-02-24", "source_url": "https://filipinotimes.net/x"},
        {"date": "2015", "source_url": ""},
    ]
    assert sources.unreviewed(rows, ["un.org"]) == ["2022-02-24 filipinotimes.net"]


def test_the_list_is_well_formed(tmp_path: Path) -> None:
    assert DOMAINS, "data/source_domains.csv is empty"
    for domain in DOMAINS:
        assert domain == domain.lower() and not domain.startswith("www."), domain
    bad = tmp_path / "d.csv"
    bad.write_text("domain,kind,what,why_accepted\nx.org,blog,a site,because\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kind"):
        sources.load_domains(bad)
    bad.write_text("domain,kind,what,why_accepted\nx.org,official,a site,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="why"):
        sources.load_domains(bad)


def test_every_listed_domain_is_cited_by_some_row() -> None:
    """No stale entries: a domain stays on the reviewed list only while a row cites it."""
    used = {sources.covered_by(r["source_url"], DOMAINS) for r in _events() if r["source_url"]}
    assert not set(DOMAINS) - used, f"listed but cited by no row: {sorted(set(DOMAINS) - used)}"


# Rows whose source is still to be replaced by a page a course can cite (found, checked and
# listed in data/sources/events-source-replacements.csv). The list may only shrink: a new row
# off the reviewed list fails, and so does an entry here once its row is fixed (remove it).
STILL_TO_REPLACE = {
    "1996 jxxfw.com",
    "2020-05-14 www.ccasindia.org",
    "2020-07 www.ccasindia.org",
}


def test_every_event_row_cites_a_reviewed_site() -> None:
    off = set(sources.unreviewed(_events(), DOMAINS))
    new = sorted(off - STILL_TO_REPLACE)
    assert not new, f"{len(new)} event rows cite a site not on data/source_domains.csv:\n" + (
        "\n".join(new)
    )
    fixed = sorted(STILL_TO_REPLACE - off)
    assert not fixed, f"now on the reviewed list; take them off STILL_TO_REPLACE: {fixed}"


def test_a_replaced_source_must_match_the_page_it_replaces() -> None:
    build = build_data()
    rows = [{"date": "2022-04-21", "source_url": "https://investing.com/x", "note": "Also y."}]
    rep = {
        "date": "2022-04-21",
        "replaced_url": "https://investing.com/x",
        "source_url": "https://www.themoscowtimes.com/z",
        "verified": "yes",
        "note": "The report gives the date.",
    }
    build.replace_sources(rows, [rep])
    assert rows[0]["source_url"] == "https://www.themoscowtimes.com/z"
    assert rows[0]["note"] == (
        "The report gives the date. Note on the earlier source: Also y. "
        "Earlier source: https://investing.com/x"
    )
    with pytest.raises(ValueError, match="not 'https://investing.com/x'"):
        build.replace_sources(rows, [rep])  # the row now cites the new page
    with pytest.raises(ValueError, match="no such event"):
        build.replace_sources(rows, [dict(rep, date="1999")])
    rows[0]["source_url"] = "https://investing.com/x"
    with pytest.raises(ValueError, match="verified=yes"):
        build.replace_sources(rows, [dict(rep, verified="no")])
