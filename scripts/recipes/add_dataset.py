"""docs/recipes/add-a-dataset.md: the source rows, the table's description, a README row."""

from scratch import Recipe, end_of_table, json_resource, new_file

RECIPE = Recipe(
    page="docs/recipes/add-a-dataset.md",
    places={
        "data/sources/china_trade_cny.csv": new_file,
        "data/datapackage.json": json_resource,
        "data/README.md": end_of_table("## Tables"),
    },
    derived={"data/china_trade_cny.csv"},
)
