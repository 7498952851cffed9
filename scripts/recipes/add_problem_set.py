"""docs/recipes/add-a-problem-set.md: the source, the manifest entry, the notebook's last cell."""

from scratch import Recipe, append, by_command, insert_after, replace_line

RECIPE = Recipe(
    page="docs/recipes/add-a-problem-set.md",
    places={
        "solutions/source/ps4-short-name/ps4-short-name.ipynb": by_command,
        "text/_toc.yml": [
            insert_after("  problem_sets:"),
            replace_line(
                "          problem_sets: [ps1-trade-statistics, ps2-mirror-statistics,"
                " ps3-argument-analysis]"
            ),
        ],
        "text/06-trade-and-targets.md": append,
    },
    derived={
        "exercises/ps4-short-name/ps4-short-name.ipynb",
        "notebooks/06-trade-and-targets.ipynb",
        "notebooks/00-start-here.ipynb",
        "text/00-start-here.md",
        "README.md",
    },
)
