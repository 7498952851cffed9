"""docs/recipes/add-an-explorer.md: the table, chart and explorer modules, the registry line."""

from scratch import Recipe, insert_after, new_file

RECIPE = Recipe(
    page="docs/recipes/add-an-explorer.md",
    places={
        "src/rapprochement/tables/yoy.py": new_file,
        "src/rapprochement/charts/yoy.py": new_file,
        "src/rapprochement/explorers/yoy.py": new_file,
        "src/rapprochement/explorers/registry.py": insert_after('    "timeline",'),
    },
)
