"""Follow each recipe of docs/recipes/ literally in a scratch copy (``make recipes-test``).

    python scripts/recipes/run.py                 # every recipe
    python scripts/recipes/run.py add_dataset     # one

For each recipe: followed in full, its checks pass and only its named places (at most three)
and the files its commands derive change; followed without any one place, its checks fail.
See scratch.py for how a page's blocks are applied.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scratch import check_all  # noqa: E402

#: One module per recipe page. The explorer recipe (docs/recipes/add-an-explorer.md, issue 23
#: item 1) will be one more module here, add_explorer.py, with its places: the explorer's
#: tables/, charts/ and explorers/ modules and its line in the registry.
RECIPES = ["add_dataset", "add_chart", "add_notebook", "add_problem_set"]
MAX_PLACES = 3


def main(names: list[str]) -> int:
    recipes = [importlib.import_module(name).RECIPE for name in names or RECIPES]
    too_many = [r.page for r in recipes if len(r.places) > MAX_PLACES]
    for page in too_many:
        print(f"{page}: more than {MAX_PLACES} places", file=sys.stderr)
    failed = too_many + check_all(recipes)
    if failed:
        print(f"recipes that do not hold: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"every recipe holds ({len(recipes)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
