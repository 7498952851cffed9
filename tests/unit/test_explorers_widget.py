"""What every explorer widget does (rapprochement.explorers.widget), without a browser: output
backends, errors shown, summaries, labels, the picture shown before the kernel runs.

Expected values are read by hand from data/*.csv.
"""

from __future__ import annotations

import sys

import ipywidgets as W
import pytest

from rapprochement import explorers, tables
from rapprochement.explorers.widget import AccessibleControls
from rapprochement_support.figs import markers as _markers


def test_output_backend_builds_the_same_figure(frames, capsys):
    w = explorers.targets.TargetExplorer(
        frames["trade"], frames["targets"], frames["cpi"], backend="output"
    )
    assert isinstance(w.view, W.Output)
    w.controls["start"].value = 2015
    assert list(_markers(w.figure).x)[0] == 2015
    capsys.readouterr()  # outside a kernel the figure is printed; nothing to check there


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend"):
        explorers.settlements.SettlementCurrencies(backend="matplotlib")  # type: ignore[arg-type]


def test_explorer_displays_as_a_widget(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_an_unexpected_error_is_shown_and_the_controls_keep_working(projector, monkeypatch):
    def broken():
        raise KeyError("boom")

    before = list(projector.view.data[0].y)
    monkeypatch.setattr(projector, "build", broken)
    projector.controls["rate_pct"].value = 7.0  # must not raise out of the observer
    assert "KeyError" in projector.error and 'role="alert"' in projector.message.value
    assert list(projector.view.data[0].y) == before  # the chart keeps its last state
    monkeypatch.undo()
    projector.controls["rate_pct"].value = 8.0
    assert projector.error == ""


def test_summary_follows_the_chart(explorer):
    assert 'data-update="1"' in explorer.summary.value
    explorer.controls["source"].value = "both"
    summary = explorer.summary.value
    assert 'data-update="2"' in summary
    assert "Gap: China customs minus Russian side" in summary
    assert "China-Russia goods trade against official targets" in summary
    explorer.controls["end"].value = 1995  # before the start year (2000): refused
    assert explorer.error and 'data-update="3"' in explorer.summary.value  # still counted


def test_controls_are_labelled_and_charts_fit_their_box(explorer):
    for name, control in explorer.controls.items():
        assert control.description, f"{name} has no visible label"
    assert explorer.view.layout.width is None and explorer.view.layout.autosize
    assert explorer.view._config["displaylogo"] is False
    assert "rapprochement-explorer" in explorer.widget._dom_classes
    assert any(isinstance(c, AccessibleControls) for c in explorer.widget.children)


def test_before_the_kernel_runs_a_reader_sees_text_and_a_picture(explorer, tmp_path, monkeypatch):
    bundle = explorer._repr_mimebundle_()
    assert "VBox(" not in bundle["text/plain"] and "Run All" in bundle["text/plain"]
    monkeypatch.chdir(tmp_path)
    assert explorer.static_html() is None  # no picture to link to here
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "target-explorer.png").write_bytes(b"\x89PNG")
    page = explorer.static_html()
    assert 'src="figures/target-explorer.png"' in page and 'alt="Picture of the default' in page
    # displayed as two outputs: the widget, then the picture (exports prefer the widget's
    # format within one output, which draws nothing without a kernel)
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as shown:
        explorer._ipython_display_()
    kinds = [sorted(o.data) for o in shown.outputs]
    assert "application/vnd.jupyter.widget-view+json" in kinds[0]
    assert "text/html" in kinds[1] and "rapprochement-static" in shown.outputs[1].data["text/html"]


def test_an_update_computes_each_table_once(frames, monkeypatch):
    calls: dict[str, int] = {}

    def counting(name):
        real = getattr(tables, name)

        def wrapper(*args, **kwargs):
            calls[name] = calls.get(name, 0) + 1
            return real(*args, **kwargs)

        # the explorers call each table through its own module (tables.targets, ...)
        monkeypatch.setattr(sys.modules[real.__module__], name, wrapper)

    for name in ("trade_frame", "target_lines", "growth_frame", "currency_frame", "shares_view"):
        counting(name)
    explorer = explorers.targets.TargetExplorer(frames["trade"], frames["targets"], frames["cpi"])
    calls.clear()
    explorer.controls["source"].value = "both"
    assert explorer.error == ""
    assert calls == {"trade_frame": 1, "target_lines": 1}
    projector = explorers.growth.GrowthProjector(frames["trade"], frames["targets"])
    calls.clear()
    projector.controls["rate_pct"].value = 7.0
    assert calls == {"growth_frame": 1}
    currencies = explorers.settlements.SettlementCurrencies(frames["settlements"])
    calls.clear()
    currencies.controls["currencies"].value = ("usd",)
    assert calls == {"currency_frame": 1}
    shares = explorers.shares.PartnerShares(frames["trade"], frames["totals"], frames["shares"])
    calls.clear()
    shares.controls["start"].value = 2010
    assert calls == {"shares_view": 1}
