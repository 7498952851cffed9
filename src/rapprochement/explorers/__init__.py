"""Explorers: a chart with controls, live in a kernel and kernel-free in the book and exports.

One module per explorer, named like its table (:mod:`rapprochement.tables`) and chart
(:mod:`rapprochement.charts`) modules: :mod:`.targets`, :mod:`.growth`, :mod:`.shares`,
:mod:`.settlements`, :mod:`.timeline`. Each writes its controls once (``controls(...)``, a list
of :class:`.controls.Control`) and builds from them both the live widget (a class, e.g.
``explorers.targets.TargetExplorer(trade, targets, cpi)``) and the kernel-free plotly figure
(``explorers.targets.static()``). :mod:`.registry` lists them all.

Machinery: :mod:`.controls` (the control spec), :mod:`.widget` (the live explorer),
:mod:`.static` (menus and sliders of the kernel-free version), :mod:`.entry`.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from .registry import NAMES, all_explorers, get

__all__ = ["NAMES", "all_explorers", "get"]


def __getattr__(name: str) -> ModuleType:
    """``explorers.targets`` and the like: each explorer's module, imported when first used
    (the registry's :data:`NAMES` is the one list of them)."""
    if name in NAMES:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
