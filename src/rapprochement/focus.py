"""The keyboard focus ring of the collection's own controls (WCAG 2.4.7, focus visible).

ipywidgets 8 marks a focused drop-down, toggle button or slider handle with a 1 px border in a
pale blue that is hard to see. :data:`CONTROL_FOCUS_CSS` draws a 3 px ring two pixels outside
each control of an explorer (``.rapprochement-explorer``), so that it sits on what surrounds
the control. One blue serves light and dark pages: 4.7:1 on white, 4.5:1 on the light track
of a slider, 4.0:1 on JupyterLab's dark theme (#111), all above the 3:1 a focus indicator
needs. :mod:`rapprochement.quiz` draws the same ring on its white cards.
"""

from __future__ import annotations

__all__ = ["CONTROL_FOCUS_CSS", "FOCUS_COLOR"]

#: The ring's colour, on light and dark backgrounds alike.
FOCUS_COLOR = "#2F6FDE"

_CONTROLS = (
    "select",
    "button",
    "input",
    ".noUi-handle",
    "[contenteditable]",
    "[tabindex]",
)

#: Loaded with every explorer (see ``rapprochement.explorers.widget.AccessibleControls``).
CONTROL_FOCUS_CSS = (
    ", ".join(f".rapprochement-explorer {c}:focus-visible" for c in _CONTROLS)
    + f" {{outline: 3px solid {FOCUS_COLOR} !important; outline-offset: 2px !important;}}\n"
)
