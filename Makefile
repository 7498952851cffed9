# Two commands for everyone (see README.md):
#   make lab    create the environment if needed and open JupyterLab at the start page
#   make test   create the environments if needed and run every check
# Only python3 (3.11+), make and bash are needed; everything else comes from PyPI.

PYTHON ?= python3
VENV := .venv
GRADING_VENV := .venv-grading
PIP_FLAGS := --quiet --disable-pip-version-check --no-input
START := notebooks/00-start-here.ipynb
# Use the environment's own kernel spec, even if the user has another "python3" kernel.
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter
# JupyterLab refuses to run as root unless told; containers and CI run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test lint unit grading-test grading-env grade exercises notebooks lock clean help

help:
	@echo "make lab          open the collection in JupyterLab (student environment)"
	@echo "make test         run every check: lint, unit tests, notebooks, browser, grading"
	@echo "make grading-env  create the instructor environment (.venv-grading, with nbgrader)"
	@echo "make grade SUBMISSIONS=path/to/folder-or-zip [ASSIGNMENT=ps1-trade-statistics] [JOBS=2] [TIMEOUT=30] [UNSAFE=1]"
	@echo "make exercises    regenerate exercises/ from solutions/source (instructors)"
	@echo "make notebooks    re-run every notebook in place (maintainers)"

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11 or similar")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install $(PIP_FLAGS) -r requirements.lock
	$(VENV)/bin/python -m pip install $(PIP_FLAGS) --no-deps -e .
	$(VENV)/bin/python -c 'import rapprochement, jupyterlab, plotly, anywidget, nbval'
	touch $@

$(GRADING_VENV)/.installed: requirements-grading.lock pyproject.toml
	$(PYTHON) -m venv $(GRADING_VENV)
	$(GRADING_VENV)/bin/python -m pip install $(PIP_FLAGS) -r requirements-grading.lock
	$(GRADING_VENV)/bin/python -m pip install $(PIP_FLAGS) --no-deps -e .
	$(GRADING_VENV)/bin/python -c 'import rapprochement, nbgrader'
	touch $@

lab: $(VENV)/.installed
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" "$(START)"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

unit: $(VENV)/.installed
	$(VENV)/bin/python -m pytest tests notebooks --nbval --nbval-kernel-name python3 \
		--nbval-sanitize-with tests/nbval_sanitize.cfg

grading-env: $(GRADING_VENV)/.installed
	@command -v bwrap >/dev/null 2>&1 || echo "note: bubblewrap (bwrap) is not installed; make grade needs it to run student code in a sandbox (Debian/Ubuntu: apt-get install bubblewrap)"

grading-test: $(GRADING_VENV)/.installed
	JUPYTER_PATH="$(CURDIR)/$(GRADING_VENV)/share/jupyter" $(GRADING_VENV)/bin/python -m pytest tests/grading

test: lint unit grading-test

grade: $(GRADING_VENV)/.installed
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=path/to/folder-or-zip"; exit 2; }
	PATH="$(CURDIR)/$(GRADING_VENV)/bin:$$PATH" $(GRADING_VENV)/bin/python -m rapprochement.grading \
		"$(SUBMISSIONS)" $(if $(ASSIGNMENT),--assignment "$(ASSIGNMENT)",) \
		$(if $(JOBS),--jobs $(JOBS),) $(if $(TIMEOUT),--timeout $(TIMEOUT),) \
		$(if $(UNSAFE),--unsafe-no-sandbox,)

# Regenerate the student versions in exercises/ from the instructor source in solutions/source/.
exercises: $(GRADING_VENV)/.installed
	for ps in $$(ls solutions/source); do \
		PATH="$(CURDIR)/$(GRADING_VENV)/bin:$$PATH" $(GRADING_VENV)/bin/nbgrader generate_assignment --force "$$ps" || exit 1; \
	done

notebooks: $(VENV)/.installed
	$(VENV)/bin/python scripts/execute_notebooks.py notebooks/*.ipynb

lock:
	$(PYTHON) -m pip install $(PIP_FLAGS) uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header -o requirements.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --extra grading --python-version 3.11 --no-header -o requirements-grading.lock
	$(PYTHON) scripts/sync_environment.py

clean:
	rm -rf $(VENV) $(GRADING_VENV) .pytest_cache .ruff_cache
