"""Write a self-study copy of each problem set (see rapprochement.selfstudy).

    python start.py selfstudy [--out selfstudy] [--force] [assignment ...]   # any system
    python scripts/make_selfstudy.py ...        # the same (through start.py if need be)

Kept for ``make selfstudy`` and old instructions; the code is :mod:`rapprochement.selfstudy`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

try:
    import nbformat  # noqa: F401  (only in the collection's environment, .venv)
except ImportError:  # run by a Python without it: go through start.py, which uses .venv
    if __name__ == "__main__":
        from rapprochement.launch import main as start

        sys.exit(start(["selfstudy", *sys.argv[1:]]))
    raise

from rapprochement.selfstudy import main, selfstudy_notebook  # noqa: E402

__all__ = ["main", "selfstudy_notebook"]

if __name__ == "__main__":
    sys.exit(main())
