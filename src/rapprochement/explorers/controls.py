"""An explorer's controls written once: name, kind, label, options and default.

Each explorer module (``explorers/<x>.py``) has a ``controls(...)`` function that returns its
controls as :class:`Control` values, computed from the data it is given (a year slider's range
is the data's years). The widget (:mod:`.widget`) turns each into an ipywidget with
:func:`to_widget`; the kernel-free version (:mod:`.static`) reads the same options, labels and
defaults to precompute its states. So a label or a default is changed in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["int_slider", "float_slider", "range_slider", "dropdown", "toggle", "multi"]


@dataclass(frozen=True)
class Control:
    """One control of an explorer.

    ``options``: (label, value) pairs for a dropdown, toggle or list; ``minimum``/``maximum``/
    ``step`` for a slider. ``default``: a value (a tuple of values for a list, a (low, high)
    pair for a range slider). ``width``: CSS width; ``rows``: visible rows of a list;
    ``disabled_unless``: (other control, value): enabled only while that control has it.
    """

    name: str
    kind: Kind
    label: str
    default: Any
    options: tuple[tuple[str, Any], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    width: str | None = None
    rows: int | None = None
    readout_format: str | None = None
    disabled_unless: tuple[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.kind in ("dropdown", "toggle"):
            if self.default not in self.values():
                raise ValueError(f"{self.name}: default {self.default!r} is not an option")
        elif self.kind == "multi":
            missing = [v for v in self.default if v not in self.values()]
            if missing:
                raise ValueError(f"{self.name}: defaults {missing} are not options")
        elif self.minimum is None or self.maximum is None:
            raise ValueError(f"{self.name}: a slider needs a minimum and a maximum")

    def values(self) -> list[Any]:
        """The option values, in order."""
        return [value for _, value in self.options]

    def label_of(self, value: Any) -> str:
        """The label shown for an option value."""
        for label, v in self.options:
            if v == value:
                return label
        raise KeyError(f"{self.name}: no option {value!r}")


def by_name(controls: Sequence[Control]) -> dict[str, Control]:
    """Controls keyed by name (names must be unique)."""
    out = {c.name: c for c in controls}
    if len(out) != len(controls):
        raise ValueError("two controls share a name")
    return out


def defaults(controls: Sequence[Control]) -> dict[str, Any]:
    """Each control's default value, by name."""
    return {c.name: c.default for c in controls}


def to_widget(control: Control) -> Any:
    """The ipywidget for a control (imported here so that the kernel-free side needs none)."""
    import ipywidgets as W

    common: dict[str, Any] = {"description": control.label}
    if control.width:
        common["layout"] = W.Layout(width=control.width)
    if control.kind in ("toggle", "float_slider") or len(control.label) > 10:
        common["style"] = {"description_width": "initial"}
    slider: dict[str, Any] = {
        "min": control.minimum,
        "max": control.maximum,
        "continuous_update": False,
    }
    if control.step is not None:
        slider["step"] = control.step
    if control.readout_format:
        slider["readout_format"] = control.readout_format
    if control.kind == "int_slider":
        return W.IntSlider(value=control.default, **slider, **common)
    if control.kind == "float_slider":
        return W.FloatSlider(value=control.default, **slider, **common)
    if control.kind == "range_slider":
        return W.IntRangeSlider(value=tuple(control.default), **slider, **common)
    if control.kind == "dropdown":
        return W.Dropdown(options=list(control.options), value=control.default, **common)
    if control.kind == "toggle":
        return W.ToggleButtons(options=list(control.options), value=control.default, **common)
    return W.SelectMultiple(
        options=list(control.options),
        value=tuple(control.default),
        rows=control.rows or len(control.options),
        **common,
    )
