"""Controls written once (rapprochement.explorers.controls)."""

from __future__ import annotations

import pytest

from rapprochement.explorers.controls import Control


def test_a_control_refuses_a_default_it_does_not_offer() -> None:
    with pytest.raises(ValueError, match="not an option"):
        Control("flow", "dropdown", "Flow", "bogus", (("Total", "total"),))
    with pytest.raises(ValueError, match="not options"):
        Control("ids", "multi", "Targets", ("x",), (("A", "a"),))
    with pytest.raises(ValueError, match="minimum and a maximum"):
        Control("year", "int_slider", "Year", 2000)
