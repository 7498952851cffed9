"""Grading for the problem sets, built on nbgrader, with student code in a sandbox.

``python -m rapprochement.grading <submissions>`` grades a folder, a zip or an nbgrader
``submitted/`` tree (see docs/instructor-grading.md). Each submission goes through one
pipeline, :func:`.pipeline.grade_one`: its cells are prepared (:mod:`.cells` is the one rule
for what a cell is), student code runs only in a bubblewrap sandbox (:mod:`.sandbox`,
:mod:`.sandboxrun`), answers leave it as plain data (:mod:`.answers`), the tests, hidden ones
included, run in a clean process (:mod:`.checking`), and the result is plain data
(:mod:`.outcomes`). The batch (:mod:`.runner`, workers on a clock in :mod:`.pool`) lets
nbgrader score and render the outcomes (:mod:`.preprocessors`).

Modules that import no nbgrader (the student self-check, ``rapprochement.selfcheck``, uses
them in the student environment): :mod:`.checks` (the helpers visible tests call, standard
library only), :mod:`.cells`, :mod:`.outcomes`, :mod:`.pipeline`, :mod:`.answers`,
:mod:`.sandbox`, :mod:`.sandboxrun`, :mod:`.cgroup`, :mod:`.checking`, :mod:`.settings`.
The others need the instructor environment (the
``grading`` extra). Nothing here imports the charts or the explorers (``rapprochement.charts``,
``rapprochement.explorers``).
"""
