"""docs/recipes/add-a-notebook.md: the notebook's text, its manifest entry, its quiz."""

from scratch import Recipe, insert_before, new_file

RECIPE = Recipe(
    page="docs/recipes/add-a-notebook.md",
    places={
        "text/10-short-name.md": new_file,
        "text/_toc.yml": insert_before('  - caption: "Explore and look up"'),
        "src/rapprochement/quizzes/10-short-name.json": new_file,
    },
    derived={
        "notebooks/10-short-name.ipynb",
        "notebooks/00-start-here.ipynb",
        "text/00-start-here.md",
        "README.md",
        "solutions/instructor-guide.md",
    },
)
