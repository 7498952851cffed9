"""``python -m rapprochement.grading``: see :mod:`rapprochement.grading.cli`."""

import sys

from rapprochement.grading.cli import main

if __name__ == "__main__":
    sys.exit(main())
