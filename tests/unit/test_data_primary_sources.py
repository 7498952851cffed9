"""data/primary_sources.csv: where to read the main documents, with honest flags."""

from __future__ import annotations

from urllib.parse import urlparse

from rapprochement import data

#: Hosts of the Chinese and Russian governments and their diplomatic missions.
OFFICIAL_HOSTS = (
    "kremlin.ru",
    "mid.ru",
    "fmprc.gov.cn",
    "mfa.gov.cn",
    "china-embassy.org",
    "china-embassy.gov.cn",
    "gov.cn",
    "rusemb.org.uk",
)
#: The documents the content review asks for, by events.csv date.
REQUIRED = {
    "2001-07-16": "treaty-2001",
    "2019-06-05": "statement-2019",
    "2021-03-23": "guilin-2021",
    "2021-06-28": "extension-2021",
    "2022-02-04": "statement-2022",
}


def _official_host(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return any(host == h or host.endswith("." + h) for h in OFFICIAL_HOSTS)


def test_every_required_document_has_a_checked_link(sources) -> None:
    for date, doc in REQUIRED.items():
        rows = sources[sources["document_id"] == doc]
        assert set(rows["date"]) == {date}, doc
        assert rows["verified"].any(), f"{doc}: no link was checked"
        assert rows["official"].any(), f"{doc}: no official page listed"


def test_dates_match_the_timeline(sources) -> None:
    events = set(data.load_events()["date"].astype(str))
    assert set(sources["date"]) <= events


def test_official_flag_follows_the_host(sources) -> None:
    for _, row in sources.iterrows():
        assert bool(row["official"]) == _official_host(row["url"]), row["url"]


def test_unchecked_links_say_where_they_come_from(sources) -> None:
    unchecked = sources[~sources["verified"].astype(bool)]
    for _, row in unchecked.iterrows():
        assert "http" in row["note"], f"{row['url']}: say which page cites this address"


def test_one_title_per_document(sources) -> None:
    assert (sources.groupby("document_id")["title"].nunique() == 1).all()
