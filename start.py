"""Open the collection in JupyterLab with only Python: `python start.py` (Windows: `py start.py`).

Creates ``.venv`` from ``requirements.lock`` the first time (the same pinned versions as
``make lab``), then opens JupyterLab at ``notebooks/00-start-here.ipynb``. Arguments after the
script go to ``jupyter lab`` (for example ``--no-browser``). See src/rapprochement/launch.py.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from rapprochement.launch import main  # noqa: E402  (the environment may not exist yet)

if __name__ == "__main__":
    sys.exit(main())
