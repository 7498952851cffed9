"""Reading figures and explorers in unit tests: the traces a chart holds, as a test names them."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import plotly.graph_objects as go

from rapprochement import charts
from rapprochement.explorers import registry

_BUILT: dict[str, go.Figure] = {}


def trace(fig: go.Figure, name_part: str, mode: str | None = None) -> Any:
    """The first trace whose name holds ``name_part`` (and of ``mode``, if given)."""
    found = [
        t for t in fig.data if t.name and name_part in t.name and (mode is None or t.mode == mode)
    ]
    assert found, f"no trace named like {name_part!r}: {[t.name for t in fig.data]}"
    return found[0]


_FIELD = re.compile(r"%\{(text|customdata|x|y)\}")


def hovers(trace: Any) -> list[str]:
    """The hover text of each point of ``trace``, as plotly fills its hover template: each
    ``%{text}``, ``%{customdata}``, ``%{x}`` and ``%{y}`` replaced by the point's value, the
    ``<extra>`` box dropped (only the fields these charts use; any other is left as it is)."""
    template = trace.hovertemplate or "%{text}"
    template = re.sub(r"<extra>.*?</extra>", "", template)
    n = len(trace.x)

    def per_point(name: str, i: int) -> Any:
        value = getattr(trace, name)
        if value is None or isinstance(value, str):
            return value
        return value[i]

    return [_FIELD.sub(lambda m, i=i: str(per_point(m.group(1), i)), template) for i in range(n)]


def shown(view: Any) -> list[Any]:
    """The traces drawn on screen (an update that fits restyles the traces already there and
    hides the ones it does not need: see test_explorers_widget_draw.py)."""
    return [t for t in view.data if t.visible is not False]


def visible(fig: go.Figure, mask: list[bool] | None = None) -> list[Any]:
    """The traces ``mask`` shows (default: those not hidden)."""
    mask = mask if mask is not None else [t.visible is not False for t in fig.data]
    return [t for t, on in zip(fig.data, mask, strict=True) if on]


def built(name: str) -> go.Figure:
    """Each explorer's kernel-free version once per test run (the growth one takes seconds)."""
    if name not in _BUILT:
        _BUILT[name] = registry.get(name).build_static()
    return _BUILT[name]


def markers(fig: go.Figure, name: str = "China customs (GACC)") -> SimpleNamespace:
    """The verified points of a series, over its marker traces (one per kind of figure)."""
    traces = [
        t
        for t in fig.data
        if t.visible is not False
        and getattr(t, "mode", None) == "markers"
        and t.name
        and (t.name == name or t.name.startswith(name + ":"))
        and "unverified" not in t.name
    ]
    assert traces, [t.name for t in fig.data]
    pts = sorted((x, y) for t in traces for x, y in zip(t.x, t.y, strict=True))
    return SimpleNamespace(x=[x for x, _ in pts], y=[y for _, y in pts])


def points(fig: go.Figure) -> dict[str, list[Any]]:
    """A timeline's events by theme: each trace's customdata (the event dates)."""
    return {t.name: list(t.customdata) for t in fig.data if len(t.x)}


def by_name(fig: go.Figure) -> dict[str, Any]:
    """The marker traces by name."""
    return {t.name: t for t in fig.data if t.name and t.mode == "markers"}


def target_explorer(frames: dict[str, Any], **kw: Any) -> go.Figure:
    """The target explorer's chart drawn from ``frames`` (data.load_all())."""
    return charts.targets.target_explorer_figure(
        frames["trade"], frames["targets"], frames["cpi"], **kw
    )


def displayed(widget: Any, monkeypatch: Any) -> list[dict[str, Any]]:
    """The outputs an explorer publishes when a notebook displays it."""
    import IPython.display

    out: list[dict[str, Any]] = []

    def fake_display(*objs: Any, raw: bool = False, metadata: dict | None = None, **kw: Any):
        for obj in objs:
            data = obj if raw else {"text/html": getattr(obj, "data", "")}
            out.append({"output_type": "display_data", "data": data, "metadata": metadata or {}})

    monkeypatch.setattr(IPython.display, "display", fake_display)
    widget._ipython_display_()
    return out
