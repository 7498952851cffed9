"""Follow each recipe of docs/recipes/ literally in a scratch copy (``make recipes-test``).

    python scripts/recipes/run.py                 # every recipe
    python scripts/recipes/run.py add_dataset     # one

For each recipe: followed in full, its checks pass and only its named places (at most three
files, and one line in a list such as the explorers' registry) and the files its commands
derive change; followed without any one place, its checks fail.
See scratch.py for how a page's blocks are applied.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scratch import check_all  # noqa: E402

#: One module per recipe page.
RECIPES = ["add_dataset", "add_chart", "add_notebook", "add_problem_set", "add_explorer"]
MAX_PLACES = 3
#: Places that take one line in a list, counted apart from the files (at most one per recipe):
#: an explorer is three files and its line in the registry.
LIST_LINES = {"src/rapprochement/explorers/registry.py"}


def places(recipe) -> tuple[int, int]:
    """(files, list lines) that ``recipe`` writes; a list line's block must be one line."""
    lines = [p for p in recipe.places if p in LIST_LINES]
    for p in lines:
        recipe.read()
        if any(block.count("\n") != 1 for block in recipe.blocks[p]):
            raise SystemExit(f"{recipe.page}: the block for {p} must be one line")
    return len(recipe.places) - len(lines), len(lines)


def main(names: list[str]) -> int:
    recipes = [importlib.import_module(name).RECIPE for name in names or RECIPES]
    too_many = [r.page for r in recipes if places(r)[0] > MAX_PLACES or places(r)[1] > 1]
    for page in too_many:
        print(f"{page}: more than {MAX_PLACES} files and one list line", file=sys.stderr)
    failed = too_many + check_all(recipes)
    if failed:
        print(f"recipes that do not hold: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"every recipe holds ({len(recipes)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
