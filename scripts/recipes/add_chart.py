"""docs/recipes/add-a-chart.md: the table module, the chart module, its test."""

from scratch import Recipe, new_file

RECIPE = Recipe(
    page="docs/recipes/add-a-chart.md",
    places={
        "src/rapprochement/tables/growth_rates.py": new_file,
        "src/rapprochement/charts/growth_rates.py": new_file,
        "tests/unit/test_charts_growth_rates.py": new_file,
    },
)
