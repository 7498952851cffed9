"""Every explorer, by name: the one list that notebooks' exports, the book, the static pictures,
the benchmark and the tests read.

To add an explorer, write ``tables/<x>.py``, ``charts/<x>.py`` and ``explorers/<x>.py`` (which
defines ``EXPLORER``) and add its name below (docs/recipes/add-an-explorer.md).
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from .entry import Explorer

__all__ = ["NAMES", "Explorer", "all_explorers", "get"]

#: The explorers, in the order the book and the benchmark show them (one line each).
NAMES: tuple[str, ...] = (
    "targets",
    "growth",
    "shares",
    "settlements",
    "timeline",
)


@cache
def get(name: str) -> Explorer:
    """The explorer called ``name`` (a :class:`KeyError` naming the known ones otherwise)."""
    if name not in NAMES:
        raise KeyError(f"no explorer {name!r}; known: {', '.join(NAMES)}")
    explorer: Explorer = import_module(f"{__package__}.{name}").EXPLORER
    if explorer.name != name:
        raise ValueError(f"explorers/{name}.py defines an explorer called {explorer.name!r}")
    return explorer


def all_explorers() -> dict[str, Explorer]:
    """Every explorer, by name, in :data:`NAMES` order."""
    return {name: get(name) for name in NAMES}
