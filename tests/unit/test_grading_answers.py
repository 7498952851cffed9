"""The grader's note that IPython magics are not run appears only for cells that have them."""

from __future__ import annotations

import os
import sys

import pytest

from rapprochement.grading.answers import has_magics, strip_magics
from rapprochement.grading.sandboxrun import MAGIC_NOTE, Runner


def test_has_magics_only_for_magic_and_shell_lines() -> None:
    assert not has_magics("x = 1\n")  # a trailing newline is no magic
    assert not has_magics("x = 1\ny = '%d' % x\n")
    assert has_magics("%timeit sum(range(9))\nx = 1\n")
    assert has_magics("  !pip install numpy")
    assert has_magics("import os\n%cd /tmp\nx = 1\n")  # a magic below the first line counts
    assert strip_magics("%cd /\nx = 1\n") == "\nx = 1"


@pytest.mark.parametrize(
    ("source", "noted"),
    [("x = 1\n", False), ("x = 1", False), ("%time x = 1\nx = 2\n", True), ("", False)],
)
def test_the_runner_notes_magics_only_when_there_are_some(source: str, noted: bool) -> None:
    read, write = os.pipe()
    runner = Runner(write, 10_000)
    saved = sys.stdout, sys.stderr
    try:
        outputs = runner.run_code(0, source)
    finally:
        sys.stdout, sys.stderr = saved
        os.close(read)
        os.close(write)
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert (MAGIC_NOTE in stderr) is noted
