# Two commands for everyone (see README.md):
#   make lab    create the environment if needed and open JupyterLab at the start page
#   make test   create the environments if needed and run every check (the long suites
#               are skipped, with a banner, when they passed with exactly the same inputs;
#               `make test-all` or CI=true runs everything)
# Only python3 (3.11+), make and bash are needed; everything else comes from PyPI.

PYTHON ?= python3
VENV := .venv
GRADING_VENV := .venv-grading
HUB_VENV := .venv-hub
BOOK_VENV := .venv-book
PIP_FLAGS := --quiet --disable-pip-version-check --no-input
# the long first install is not quiet: pip's lines show a first-time user that it is working
PIP_PROGRESS_FLAGS := --disable-pip-version-check --no-input
# uv creates the environments in seconds when it is on PATH (or importable by $(PYTHON));
# otherwise the standard library's venv and pip do it (slower, same pinned versions).
# Set UV= (empty) to force pip.
UV ?= $(shell command -v uv 2>/dev/null || ($(PYTHON) -m uv --version >/dev/null 2>&1 && echo "$(PYTHON) -m uv"))
START := notebooks/00-start-here.ipynb
# Use the environment's own kernel spec, even if the user has another "python3" kernel.
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter

# $(call make_env,folder,lockfile[,lazy]): a fresh environment with the pinned packages and this
# package (editable). Each step stops the build with its own message if it fails. uv compiles
# every module to bytecode at install (pip does by default), as the student environment (opened
# by make lab) and the grading one (read-only inside the sandbox) need: some machines set
# PYTHONDONTWRITEBYTECODE, and then nothing is ever cached. With "lazy" (the book's and the hub
# test's environments, used by make targets only) it does not: those targets run Python with
# PYTHONDONTWRITEBYTECODE unset ($(WRITE_PYC)), so only the modules they import are compiled,
# once, saving the ~20 s of CPU a full compile costs.
define make_env
set -e; rm -rf $(1); \
if [ -n "$(UV)" ]; then \
  echo "creating $(1) with uv from $(2)"; \
  $(UV) venv --quiet --seed --python "$$(command -v $(PYTHON))" $(1) || { echo "could not create $(1) with uv"; exit 1; }; \
  echo "installing the pinned packages of $(2) (seconds to a minute the first time)..."; \
  UV_EXCLUDE=$(EXCLUDED) $(UV) pip install $(if $(3),,--compile-bytecode) --python $(1)/bin/python -r $(2) || { echo "installing $(2) into $(1) failed (network? see above)"; exit 1; }; \
  $(UV) pip install --quiet --link-mode copy --python $(1)/bin/python --no-deps -e . || { echo "installing this package into $(1) failed"; exit 1; }; \
else \
  echo "creating $(1) with venv + pip from $(2) (install uv to make this faster)"; \
  $(PYTHON) -m venv $(1) || { echo "could not create $(1): is the venv module installed (Debian: python3-venv)?"; exit 1; }; \
  echo "installing the pinned packages of $(2) with pip; it lists each one (a minute or two the first time)..."; \
  $(1)/bin/python -m pip install $(PIP_PROGRESS_FLAGS) -r $(2) || { echo "installing $(2) into $(1) failed (network? see above)"; exit 1; }; \
  $(1)/bin/python -m pip install $(PIP_FLAGS) --no-deps -e . || { echo "installing this package into $(1) failed"; exit 1; }; \
fi
endef
WRITE_PYC := env -u PYTHONDONTWRITEBYTECODE
# Packages uv leaves out although a dependency asks for them (see the file: rfc3987-syntax costs
# every Jupyter server and nbgrader command a second). UV_EXCLUDE, not --excludes, so that an
# older uv that does not know it still works; pip installs them anyway (slower, same behaviour).
EXCLUDED := requirements-excluded.txt

.PHONY: lab test test-all envs lint unit recipes-test nbval-test browser-test grading-test hub-test grading-env grade feedback lms-export class-report lms-passback exercises selfstudy notebooks lock clean help book handouts book-test html

help:
	@echo "make lab          open the collection in JupyterLab (student environment); ARGS=--no-browser ..."
	@echo "make test         run every check: lint, unit tests, notebooks, browser, grading, book, hub"
	@echo "                  (skips a long suite that passed with exactly the same inputs; says so)"
	@echo "make test-all     the same, never skipping anything (what CI runs)"
	@echo "make unit         the unit suite only (tests/unit, about a minute)"
	@echo "make recipes-test follow each docs/recipes/ page in a scratch copy (about two minutes)"
	@echo "make grading-env  create the instructor environment (.venv-grading, with nbgrader)"
	@echo "make grade SUBMISSIONS=path/to/folder-or-zip [ASSIGNMENT=ps1-trade-statistics] [JOBS=2] [TIMEOUT=30] [SUBMISSION_TIMEOUT=300] [RUN_TIMEOUT=s] [UNSAFE=1]"
	@echo "make feedback SUBMISSIONS=...   after formgrader: CSV and feedback again, with manual scores and comments"
	@echo "make lms-export ROSTER=roster.csv [ASSIGNMENT=...] [COLUMN=...]   grades and feedback for Canvas or Moodle (also: make grade/feedback ... ROSTER=...)"
	@echo "make class-report [OUT=grading-output] [COURSE=dir] [QUIZ_FOLDER=dir]  after grading: class-report.html (names) and class-report-anonymised.html"
	@echo "make lms-passback PS=ps1-trade-statistics PLATFORM=lms-platform.json [ROSTER=...]  send final totals to Canvas/Moodle (LTI AGS)"
	@echo "make exercises    regenerate exercises/ from solutions/source (instructors)"
	@echo "make selfstudy    write selfstudy/: problem sets with model answers, for studying alone"
	@echo "                  (keeps copies with answers in them; ARGS=--force replaces them)"
	@echo "make notebooks    re-run every notebook in place (maintainers)"
	@echo "make book         build the static HTML book into build/book/html (open index.html)"
	@echo "make html         export every notebook to an offline HTML page in build/html (charts, explorers, quizzes)"
	@echo "make handouts     print the seminar handouts (student and instructor PDFs) into build/handouts"

$(VENV)/.installed: requirements.lock pyproject.toml $(EXCLUDED)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11 or similar")'
	@$(call make_env,$(VENV),requirements.lock)
	$(VENV)/bin/python -c 'import rapprochement, jupyterlab, plotly, anywidget, nbval'
	touch $@

$(GRADING_VENV)/.installed: requirements-grading.lock pyproject.toml $(EXCLUDED)
	@$(call make_env,$(GRADING_VENV),requirements-grading.lock)
	$(GRADING_VENV)/bin/python -c 'import rapprochement, nbgrader'
	touch $@

$(HUB_VENV)/.installed: requirements-hub.lock pyproject.toml $(EXCLUDED)
	@$(call make_env,$(HUB_VENV),requirements-hub.lock,lazy)
	$(WRITE_PYC) $(HUB_VENV)/bin/python -c 'import rapprochement, nbgrader, jupyterhub'
	touch $@

$(BOOK_VENV)/.installed: requirements-book.lock pyproject.toml $(EXCLUDED)
	@$(call make_env,$(BOOK_VENV),requirements-book.lock,lazy)
	$(WRITE_PYC) $(BOOK_VENV)/bin/python -c 'import rapprochement, myst_nb, sphinx_book_theme, sphinx_external_toc'
	touch $@

# start.py (src/rapprochement/launch.py) holds the flags, so that `make lab` and the Python-only
# `python start.py` open the same thing: --allow-root as root (containers), the start page as
# the default URL. ARGS go to jupyter lab.
lab: $(VENV)/.installed
	$(VENV)/bin/python start.py $(ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/python scripts/build_data.py --check
	$(VENV)/bin/mypy
	$(VENV)/bin/python scripts/notebook_text.py --check
	$(VENV)/bin/python scripts/make_toc_views.py --check

# Suites: one folder of tests/ each, run in its own environment (pyproject.toml says which):
#   unit -> tests/unit (.venv)        browser-test -> tests/browser (.venv)
#   grading-test -> tests/grading (.venv-grading)   hub-test -> tests/hub (.venv-hub)
#   book-test -> tests/book (.venv-book)            nbval-test -> notebooks/ (tests/nbval/)
#   recipes-test -> scripts/recipes/ (each docs/recipes/ page followed in a scratch copy)
# The long suites run through scripts/suite_cache.py, which records each pass with a key made of
# every tracked file, the environment's packages, Python and the system tools. Inside `make test`
# (CACHE=1) a suite whose key matches its last pass is skipped with a banner; `make NAME`,
# `make test-all` and CI=true always run it.
CACHE ?= 0
SUITE = $(PYTHON) scripts/suite_cache.py $(if $(filter 1,$(CACHE)),--cache,)

# Python unit tests (no notebooks, no browser): always run, about a minute.
unit: $(VENV)/.installed
	$(VENV)/bin/python -m pytest tests/unit

# Each recipe of docs/recipes/ followed literally in a scratch copy (scripts/recipes/): with every
# step its checks pass and only its named places change; without any one step they fail. Uses the
# student and instructor environments; RECIPES_JOBS scratch copies at a time (default: CPUs).
recipes-test: $(VENV)/.installed $(GRADING_VENV)/.installed
	$(VENV)/bin/python scripts/recipes/run.py

# Every notebook run top to bottom in a fresh kernel, outputs compared with the committed ones.
nbval-test: $(VENV)/.installed
	@$(SUITE) --env $(VENV) nbval-test -- $(VENV)/bin/python -m pytest notebooks --nbval \
		--nbval-kernel-name python3 --nbval-sanitize-with tests/nbval/sanitize.cfg

# JupyterLab in headless Chromium: every notebook and problem set as a student sees it.
# A case that fails is run once more on its own (pytest --last-failed), and the suite passes only
# if it then passes: on this 2-core machine, busy with the other suites, single cases have timed
# out or seen a widget model fail to initialise in one run of three (docs/performance.md,
# "Browser tests under load"); the first failure stays in the output above the rerun.
browser-test: $(VENV)/.installed
	@$(SUITE) --env $(VENV) browser-test -- bash -c '$(VENV)/bin/python -m pytest tests/browser \
		|| { echo "browser-test: running the failed cases once more, alone"; \
		     $(VENV)/bin/python -m pytest tests/browser --last-failed --last-failed-no-failures none; }'

grading-env: $(GRADING_VENV)/.installed
	@command -v bwrap >/dev/null 2>&1 || echo "note: bubblewrap (bwrap) is not installed; make grade needs it to run student code in a sandbox (Debian/Ubuntu: apt-get install bubblewrap)"

grading-test: $(GRADING_VENV)/.installed
	@$(SUITE) --env $(GRADING_VENV) grading-test -- env JUPYTER_PATH="$(CURDIR)/$(GRADING_VENV)/share/jupyter" \
		$(GRADING_VENV)/bin/python -m pytest tests/grading

# A real JupyterHub with system users and a whole term (tests/hub/; needs root, else skipped).
hub-test: $(HUB_VENV)/.installed
	@$(SUITE) --env $(HUB_VENV) hub-test -- $(WRITE_PYC) $(HUB_VENV)/bin/python -m pytest tests/hub

# The book and the handouts: built from the committed notebooks' stored outputs (no kernel).
book: $(BOOK_VENV)/.installed
	$(WRITE_PYC) $(BOOK_VENV)/bin/python scripts/build_book.py

# One self-contained HTML page per notebook, offline (rapprochement.export; stored outputs,
# a notebook never run is executed first). Also in JupyterLab: File > Save and Export
# Notebook As > Offline_html.
html: $(VENV)/.installed
	$(VENV)/bin/python -m rapprochement.export notebooks/[0-9][0-9]-*.ipynb --out build/html

handouts: $(BOOK_VENV)/.installed
	$(WRITE_PYC) $(BOOK_VENV)/bin/python scripts/make_handouts.py

book-test: $(BOOK_VENV)/.installed
	@$(SUITE) --env $(BOOK_VENV) book-test -- $(WRITE_PYC) $(BOOK_VENV)/bin/python -m pytest tests/book

# `make test`: the four environments at once, lint as soon as the student one is ready (a failure
# stops here, with its reason), then the suites side by side, TEST_JOBS at a time, longest
# first (three keep two cores busy while the browser and hub suites wait on their servers;
# make starts them in the order of SUITES, which follows their last measured lengths inside
# make test: browser 11 min, grading 9, hub 8, book 6, unit 5, recipes 2, nbval 1).
# Each suite's output appears when it ends; a failing suite does not stop the others (-k), and
# make test still fails. The grading and hub suites may run side by side: the grading test's
# check for leftover sandboxes looks for the uids a root grader gives them (1000000 + pid), and
# the hub test grades as an instructor account, whose sandboxes never have such a uid.
TEST_JOBS ?= 3
TEST_CACHE ?= 1
SUITES := browser-test grading-test hub-test book-test unit recipes-test nbval-test
envs: $(VENV)/.installed $(GRADING_VENV)/.installed $(HUB_VENV)/.installed $(BOOK_VENV)/.installed

test:
	@$(MAKE) --no-print-directory -j4 --output-sync=target envs lint
	@echo "running $(SUITES), $(TEST_JOBS) at a time; each one's output appears when it ends"
	@$(MAKE) --no-print-directory -k -j$(TEST_JOBS) --output-sync=target \
		CACHE=$(if $(filter true 1,$(CI)),0,$(TEST_CACHE)) $(SUITES)
	@echo "make test: every suite passed (or was skipped as unchanged, see any SKIPPED banner above)"

test-all:
	@$(MAKE) --no-print-directory test TEST_CACHE=0

GRADE_ARGS = "$(SUBMISSIONS)" $(if $(ASSIGNMENT),--assignment "$(ASSIGNMENT)",) \
	$(if $(JOBS),--jobs $(JOBS),) $(if $(TIMEOUT),--timeout $(TIMEOUT),) \
	$(if $(SUBMISSION_TIMEOUT),--submission-timeout $(SUBMISSION_TIMEOUT),) \
	$(if $(RUN_TIMEOUT),--run-timeout $(RUN_TIMEOUT),) $(if $(UNSAFE),--unsafe-no-sandbox,) \
	$(if $(EXTENSIONS),--extensions "$(EXTENSIONS)",) $(if $(ROSTER),--roster "$(ROSTER)",)

grade: $(GRADING_VENV)/.installed
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=path/to/folder-or-zip"; exit 2; }
	PATH="$(CURDIR)/$(GRADING_VENV)/bin:$$PATH" $(GRADING_VENV)/bin/python -m rapprochement.grading \
		$(GRADE_ARGS)
	$(if $(ROSTER),$(LMS_EXPORT),)

# The learning system's roster (Canvas gradebook export, Moodle grade export or grading
# worksheet) filled in with the grades, and the feedback pages named for its bulk upload
# (docs/instructor-grading.md, "Grades and feedback into Canvas or Moodle").
LMS_EXPORT = $(GRADING_VENV)/bin/python -m rapprochement.grading.lmsexport --roster "$(ROSTER)" \
	$(if $(ASSIGNMENT),--assignment "$(ASSIGNMENT)",) $(if $(COLUMN),--column "$(COLUMN)",)
lms-export: $(GRADING_VENV)/.installed
	@test -n "$(ROSTER)" || { echo "usage: make lms-export ROSTER=path/to/roster.csv [ASSIGNMENT=...] [COLUMN=...]"; exit 2; }
	$(LMS_EXPORT)

# After grading written answers in formgrader: the CSV and every student's feedback page again,
# with the manual scores and comments (nothing is graded again unless its file changed).
feedback: $(GRADING_VENV)/.installed
	@test -n "$(SUBMISSIONS)" || { echo "usage: make feedback SUBMISSIONS=path/to/folder-or-zip"; exit 2; }
	PATH="$(CURDIR)/$(GRADING_VENV)/bin:$$PATH" $(GRADING_VENV)/bin/python -m rapprochement.grading \
		$(GRADE_ARGS) --refresh-feedback
	$(if $(ROSTER),$(LMS_EXPORT),)

# After grading: one offline page on the class (docs/instructor-grading.md, "Class report"),
# the instructor's copy with names and an anonymised copy for the projector.
# QUIZ_FOLDER=/home adds the quiz answers students' notebooks keep when the course turned that on.
CLASS_REPORT_ARGS = $(if $(COURSE),--course "$(COURSE)",) $(if $(QUIZ_FOLDER),--quiz-folder "$(QUIZ_FOLDER)",)
class-report: $(GRADING_VENV)/.installed
	$(GRADING_VENV)/bin/python -m rapprochement.grading.classreport "$(or $(OUT),grading-output)" $(CLASS_REPORT_ARGS)
	$(GRADING_VENV)/bin/python -m rapprochement.grading.classreport "$(or $(OUT),grading-output)" $(CLASS_REPORT_ARGS) --anonymise

# Send a problem set's final totals to Canvas or Moodle (LTI Assignment and Grade Services);
# docs/course-runbook.md, LTI. What cannot be sent stays in the grades CSV and is listed.
lms-passback: $(HUB_VENV)/.installed
	@test -n "$(PS)" -a -n "$(PLATFORM)" || { echo "usage: make lms-passback PS=ps1-trade-statistics PLATFORM=lms-platform.json [ROSTER=/srv/nbgrader/staff/grading/lti-roster.json] [OUT=grading-output]"; exit 2; }
	$(HUB_VENV)/bin/python -m rapprochement.grading.ags "$(or $(OUT),grading-output)/grades-$(PS).csv" \
		--platform "$(PLATFORM)" --roster "$(or $(ROSTER),/srv/nbgrader/staff/grading/lti-roster.json)"

# Regenerate the student versions in exercises/ from the instructor source in solutions/source/
# (PS=ps4-name: only that one).
exercises: $(GRADING_VENV)/.installed
	mkdir -p grading-output
	for ps in $(or $(PS),$$(ls solutions/source)); do \
		PATH="$(CURDIR)/$(GRADING_VENV)/bin:$$PATH" $(GRADING_VENV)/bin/nbgrader generate_assignment --force "$$ps" || exit 1; \
	done

# Self-study copies (model answers and rubrics after each question, no nbgrader markers); a copy
# with the student's answers is kept unless ARGS=--force. Without make: python start.py selfstudy
selfstudy: $(VENV)/.installed
	$(VENV)/bin/python -m rapprochement.selfstudy $(ARGS)

notebooks: $(VENV)/.installed
	$(VENV)/bin/python scripts/execute_notebooks.py notebooks/*.ipynb

lock:
	$(PYTHON) -m pip install $(PIP_FLAGS) uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header --excludes $(EXCLUDED) -o requirements.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --extra grading --python-version 3.11 --no-header --excludes $(EXCLUDED) -o requirements-grading.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --extra grading --extra hub -c requirements-grading.lock --python-version 3.11 --no-header --excludes $(EXCLUDED) -o requirements-hub.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --extra book -c requirements.lock --python-version 3.11 --no-header --excludes $(EXCLUDED) -o requirements-book.lock
	$(PYTHON) scripts/sync_environment.py

clean:
	rm -rf $(VENV) $(GRADING_VENV) $(HUB_VENV) $(BOOK_VENV) build/book build/handouts .pytest_cache .ruff_cache
