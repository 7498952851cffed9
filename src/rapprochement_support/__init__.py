"""What the tests, bench/ and scripts share: hand-checked values and drivers (not for students).

Importable in every environment of the Makefile (each installs this checkout editable, which
puts ``src/`` on the path), but left out of the built package (pyproject.toml,
``[tool.setuptools.packages.find]``), so a wheel for students does not carry it.

* ``expected``  values typed by hand from ``data/sources/``, for the tests to compare with
* ``wording``   URLs, figures and copied word runs in a note (provenance tests)
* ``samples``   generated problem-set submissions with their expected scores (grading, hub)
* ``lab``       a JupyterLab server and headless Chromium (browser, book, hub tests; bench)
* ``widths``, ``contrast``, ``layout_problems.js``  page measurements (browser and book tests)
* ``hubctl``    a real JupyterHub with system accounts (hub tests; bench)
"""
