"""Grading for the problem sets, built on nbgrader.

``python -m rapprochement.grading <submissions>`` grades a folder, a zip or an nbgrader
``submitted/`` tree (see docs/instructor-grading.md). Only :mod:`.checks` runs in students'
kernels; it imports neither nbgrader nor anything else outside the standard library. The other
modules need the instructor environment (the ``grading`` extra). Nothing here imports
``rapprochement.widgets`` or ``rapprochement.figures``.
"""
