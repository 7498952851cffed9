"""What the registry knows of one explorer (rapprochement.explorers.entry)."""

from __future__ import annotations

import pytest

from rapprochement.explorers.entry import Explorer


class _Widget:
    name = "dummy"


def test_an_entry_whose_widget_has_another_name_is_refused() -> None:
    with pytest.raises(ValueError, match="_Widget.name must be 'other'"):
        Explorer(name="other", title="Other", widget=_Widget, static=lambda: None)


def test_the_kernel_free_version_gets_the_recorded_arguments() -> None:
    calls: list[dict] = []
    entry = Explorer(
        name="dummy", title="Dummy", widget=_Widget, static=lambda **kw: calls.append(kw)
    )
    entry.build_static({"rate_pct": 7.5, "targets": ["200bn-by-2024"]})
    entry.build_static(None)
    assert calls == [{"rate_pct": 7.5, "targets": ["200bn-by-2024"]}, {}]
