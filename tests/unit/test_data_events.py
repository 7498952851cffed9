"""data/events.csv: built from data/sources/events.csv (the sourced events, in the collection's
words) and data/sources/events-extra.csv (events the collection added). That the sourced rows keep
the shared file's facts without copying its words is checked, with every other source file, by
tests/unit/test_data_package.py::test_sources_are_faithful_to_the_shared_files."""

from __future__ import annotations

from pathlib import Path

from conftest import build_data, csv_rows

from rapprochement import data
from rapprochement_support.wording import longest_shared_run, lost, words

ROOT = Path(__file__).resolve().parents[2]
DATA = data.data_dir()
OWN = ROOT / "data" / "sources"


def test_longest_shared_run_detects_a_copy_and_ignores_quotes() -> None:
    source = "Xi and Putin sign a joint statement on the new stage of the partnership"
    assert longest_shared_run(source, source) == len(words(source))
    assert longest_shared_run("The two leaders issue a declaration about it", source) <= 1
    quoted = "The text speaks of “a joint statement on the new stage of the partnership”"
    assert longest_shared_run(quoted, source) <= 1
    assert longest_shared_run("Trade of $100bn by 2015 and $200bn by 2020", "$100bn by 2015") == 1


def test_lost_names_dropped_figures_and_urls_but_not_figures_inside_urls() -> None:
    theirs = "Up 3.4% to $110.75bn (also https://example.org/2019/x)."
    assert lost(theirs, "Trade rose 3.4% to $110.75bn; see https://example.org/2019/x.") == []
    assert lost(theirs, "Trade rose to $110.75bn; see https://example.org/2019/x.") == ["3.4"]
    assert lost(theirs, "Trade rose 3.4% to $110.75bn.") == ["https://example.org/2019/x"]
    # a figure kept only inside one of our URLs is not kept
    assert lost("in 2019", "see https://example.org/2019/x") == ["2019"]


def test_events_csv_is_what_the_build_makes() -> None:
    build = build_data()
    built = build.events(OWN)
    ours = csv_rows(DATA / "events.csv")
    assert [{k: str(r.get(k, "")) for k in build.EVENT_FIELDS} for r in built] == ours


def test_project_rows_are_kept_with_sources() -> None:
    extra = csv_rows(OWN / "events-extra.csv")
    ours = {r["date"]: r for r in csv_rows(DATA / "events.csv")}
    assert len({r["date"] for r in extra}) == len(extra)
    for r in extra:
        row = ours[r["date"]]
        assert row["event"] == r["event"] and row["note"] == r["note"]
        assert row["source_url"] == r["source_url"]
        assert row["verified"] == {"yes": "true", "no": "false"}[r["verified"]]
        assert r["source_url"].startswith("https://"), r["date"]
        assert r["category"] == row["category"]


def test_post_2022_events_are_on_the_timeline() -> None:
    events = data.load_events()
    expected = {
        "2022-02-26": "SWIFT",
        "2022-03-02": "ES-11/1",
        "2022-06-29": "Strategic Concept",
        "2022-12-05": "price cap",
        "2023-02-24": "Political Settlement of the Ukraine Crisis",
        "2023-12-22": "14114",
        "2024-07-10": "decisive enabler",
    }
    by_date = events.set_index(events["date"].astype(str))
    for date, phrase in expected.items():
        assert phrase in by_date.loc[date, "event"], date
    assert events["date"].is_unique
    # each added row sits between the rows dated before and after it
    starts = list(events["start"])
    for date in expected:
        i = list(events["date"].astype(str)).index(date)
        assert all(s <= starts[i] for s in starts[:i]), date
        assert all(s > starts[i] for s in starts[i + 1 :]), date
