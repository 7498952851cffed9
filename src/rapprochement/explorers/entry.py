"""What the registry knows of one explorer (each ``explorers/<x>.py`` defines one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go


@dataclass(frozen=True)
class Explorer:
    """One explorer in every form it takes.

    ``name``: its key (also the name of its modules in ``tables/``, ``charts/``, ``explorers/``);
    ``title``: shown above it; ``widget``: the live explorer's class (its ``name`` is this key);
    ``static``: builds the kernel-free version, called with the JSON arguments the widget
    records (see :meth:`.widget.ExplorerWidget.static_args`); ``picture``: file stem of the
    picture of its default state in ``notebooks/figures/`` (empty: none); ``heading``,
    ``used_in`` and ``claims``: what the book's explorers page says of it.
    """

    name: str
    title: str
    widget: type
    static: Callable[..., go.Figure]
    picture: str = ""
    #: the book's explorers page: a heading, where the explorer is used, the claims it serves
    heading: str = ""
    used_in: str = ""
    claims: str = ""

    def __post_init__(self) -> None:
        if getattr(self.widget, "name", None) != self.name:
            raise ValueError(f"{self.widget.__name__}.name must be {self.name!r}")

    def build_static(self, args: dict[str, Any] | None = None) -> go.Figure:
        """The kernel-free version for a widget's recorded arguments."""
        return self.static(**(args or {}))
