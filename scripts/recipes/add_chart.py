"""docs/recipes/add-a-chart.md: the table, the chart module, its test."""

from scratch import Recipe, append, new_file

RECIPE = Recipe(
    page="docs/recipes/add-a-chart.md",
    places={
        "src/rapprochement/tables.py": append,
        "src/rapprochement/charts/growth_rates.py": new_file,
        "tests/unit/test_charts_growth_rates.py": new_file,
    },
)
