"""The README's self-study commands, run as a Windows-like learner runs them (issue 21, item 4).

A fresh copy of the collection (the files git would track, no ``.venv``), a PATH with neither
``make``, ``bash``, ``sh`` nor the environment on it, no activated environment: each line of the
README's self-study block is run as printed, with ``python`` being the learner's Python (what
``py`` is on Windows). start.py creates ``.venv`` in the copy first (through ``python -m uv``,
as after ``python -m pip install uv``; the pip route is the same code, minutes long). Then: a
copy with the learner's answers is kept when the command runs again, ``--force`` replaces it,
and without ``solutions/`` both tools stop with a clear message and a non-zero status. The
start page and every problem set show the same commands.

The unit tests below check :func:`rapprochement.selfstudy.write_copies` without a subprocess.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from rapprochement import selfstudy
from rapprochement.grading import settings

REPO = Path(__file__).resolve().parents[2]
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)
MARKER = "<!-- self-study commands:"
PS1 = "ps1-trade-statistics"


def readme_commands(text: str | None = None) -> list[str]:
    """The lines of the code block that follows the README's self-study marker."""
    text = (REPO / "README.md").read_text(encoding="utf-8") if text is None else text
    assert MARKER in text, "the README lost its self-study block"
    after = text[text.index(MARKER) :]
    block = re.search(r"```\w*\n(.*?)\n\s*```", after, re.S)
    assert block, "no code block after the self-study marker"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def _as_learner(line: str) -> list[str]:
    """A README line as the learner's shell runs it: ``python`` is their own Python."""
    words = shlex.split(line)
    assert words[0] == "python", f"not a Python-only command: {line}"
    return [BASE_PYTHON, *words[1:]]


def _fresh_copy(dest: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for rel in filter(None, listed):
        src = REPO / rel
        if src.is_file() and not rel.startswith(("selfstudy/", "build/")):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def _learner_env(tmp: Path) -> dict[str, str]:
    bare = tmp / "bin"
    bare.mkdir()
    for tool in ("make", "bash", "sh", "uv"):
        assert shutil.which(tool, path=str(bare)) is None
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JUPYTER", "VIRTUAL_ENV", "PYTHON", "CONDA"))
    }
    home = tmp / "home"
    home.mkdir()
    env.update(PATH=str(bare), HOME=str(home))
    env["UV_CACHE_DIR"] = os.environ.get("UV_CACHE_DIR", str(Path.home() / ".cache" / "uv"))
    return env


def _run(line: str, cwd: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*_as_learner(line), *extra], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=900, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_readme_block_has_both_commands():
    lines = readme_commands()
    assert [shlex.split(line)[:3] for line in lines] == [
        ["python", "start.py", "selfstudy"],
        ["python", "start.py", "selfcheck"],
    ]
    with pytest.raises(AssertionError):
        readme_commands("no block here")


def test_start_page_and_problem_sets_show_the_same_commands():
    lines = readme_commands()
    start = nbformat.read(REPO / "notebooks" / "00-start-here.ipynb", as_version=4)
    text = "\n".join(c.source for c in start.cells if c.cell_type == "markdown")
    for line in lines:
        assert line in text, f"the start page does not show: {line}"
    for ps in settings.assignments() or [PS1]:
        for folder in ("exercises", "solutions/source"):
            nb = nbformat.read(REPO / folder / ps / f"{ps}.ipynb", as_version=4)
            text = " ".join(" ".join(c.source.split()) for c in nb.cells)
            assert f"`python start.py selfcheck exercises/{ps}/{ps}.ipynb`" in text, (folder, ps)
            assert f"`%run -m rapprochement.selfcheck {ps}.ipynb`" in text, (folder, ps)
            assert "`python start.py selfstudy`" in text, (folder, ps)
            assert "python -m rapprochement.selfcheck" not in text and "make selfstudy" not in text


@pytest.mark.skipif(
    subprocess.run([BASE_PYTHON, "-m", "uv", "--version"], capture_output=True).returncode != 0,
    reason="uv is not importable by this Python (the pip route takes minutes)",
)
def test_readme_self_study_commands_work_in_a_fresh_copy_without_make_bash_or_venv(tmp_path):
    copy = _fresh_copy(tmp_path / "collection")
    assert not (copy / ".venv").exists()
    env = _learner_env(tmp_path)
    make_copy, check = readme_commands()

    done = _run(make_copy, copy, env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "creating it first" in done.stdout  # the environment was made by this command
    mine = copy / "selfstudy" / PS1 / f"{PS1}.ipynb"
    for ps in ("ps1-trade-statistics", "ps2-mirror-statistics", "ps3-argument-analysis"):
        assert (copy / "selfstudy" / ps / f"{ps}.ipynb").is_file(), ps

    checked = _run(check, copy, env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert re.search(r"Question 1\.1\s+not answered", checked.stdout), checked.stdout
    assert "0 of 6 autograded questions right" in checked.stdout

    # the learner writes in the self-study copy; running the command again keeps it
    nb = nbformat.read(mine, as_version=4)
    answer = next(c for c in nb.cells if c.cell_type == "code" and "YOUR CODE HERE" in c.source)
    answer.source += "\nmy_own_work = 42"
    nbformat.write(nb, mine)
    again = _run(make_copy, copy, env)
    assert again.returncode == 0, again.stderr
    assert "creating" not in again.stdout  # the environment is reused
    assert f"kept {Path('selfstudy') / PS1}" in again.stdout.replace(str(copy) + os.sep, "")
    assert "my_own_work = 42" in mine.read_text(encoding="utf-8")
    forced = _run(make_copy, copy, env, "--force")
    assert forced.returncode == 0 and "replaced" in forced.stdout, forced.stdout
    assert "my_own_work = 42" not in mine.read_text(encoding="utf-8")

    # a course's copy without solutions/: a clear error, a non-zero status, nothing written
    shutil.rmtree(copy / "solutions")
    shutil.rmtree(copy / "selfstudy")
    none = _run(make_copy, copy, env)
    assert none.returncode != 0 and "no solutions/ folder" in none.stderr, none
    assert not (copy / "selfstudy").exists()
    none = _run(check, copy, env)
    assert none.returncode != 0 and "no solutions/ folder" in none.stderr, none
    # the no-terminal route (IPython's %run -m, as in a console): the message, no traceback
    python = str(copy / ".venv" / "bin" / "python")
    cell = subprocess.run(
        [python, "-m", "IPython", "--no-banner", "-c", "%run -m rapprochement.selfstudy"],
        cwd=copy / "notebooks", env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    shown = cell.stdout + cell.stderr
    assert "no solutions/ folder" in shown and "Traceback" not in shown, shown
    assert "SystemExit" not in shown, shown


def test_selfcheck_runs_with_run_m_in_the_notebooks_folder(tmp_path):
    """The route for a learner with no terminal: ``%run -m`` in a console for the problem set
    (its kernel, in its folder; run here as a one-cell notebook in that folder)."""
    from nbclient import NotebookClient

    folder = REPO / "exercises" / PS1
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"%run -m rapprochement.selfcheck {PS1}.ipynb")]
    NotebookClient(nb, timeout=300, kernel_name="python3").execute(cwd=str(folder))
    printed = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert "0 of 6 autograded questions right" in printed, nb.cells[0].outputs


# ----------------------------------------------------------------- write_copies, no subprocess


def _fill(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "YOUR CODE HERE" in c.source)
    cell.source += "\nmy_own_work = 1"
    nbformat.write(nb, path)


def test_copy_with_answers_is_kept_unless_confirmed_or_forced(tmp_path):
    said: list[str] = []
    first = selfstudy.write_copies(tmp_path, [PS1], say=said.append)
    path = tmp_path / PS1 / f"{PS1}.ipynb"
    assert first == {str(path): "written"}
    # unchanged cells (opened, run, saved): renewed, nothing of the learner's is lost
    nb = nbformat.read(path, as_version=4)
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    assert selfstudy.write_copies(tmp_path, [PS1], say=said.append)[str(path)] == "renewed"
    _fill(path)
    asked: list[str] = []

    def no(question: str) -> bool:
        asked.append(question)
        return False

    assert selfstudy.write_copies(tmp_path, [PS1], ask=no, say=said.append)[str(path)] == "kept"
    assert asked and "losing them" in asked[0]
    assert "my_own_work = 1" in path.read_text(encoding="utf-8")
    assert any(s.startswith("kept") and "--force" in s for s in said)
    assert selfstudy.write_copies(tmp_path, [PS1], ask=lambda q: True)[str(path)] == "replaced"
    assert "my_own_work = 1" not in path.read_text(encoding="utf-8")
    _fill(path)
    assert selfstudy.write_copies(tmp_path, [PS1], force=True, ask=no)[str(path)] == "replaced"


def test_a_broken_file_is_kept(tmp_path):
    path = tmp_path / PS1 / f"{PS1}.ipynb"
    path.parent.mkdir()
    path.write_text("{ not json, but the learner's", encoding="utf-8")
    done = selfstudy.write_copies(tmp_path, [PS1], ask=lambda q: False, say=lambda s: None)
    assert done[str(path)] == "kept"
    assert path.read_text(encoding="utf-8") == "{ not json, but the learner's"


def test_no_solutions_is_an_error_with_status_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(settings, "source_root", lambda: tmp_path / "nothing")
    monkeypatch.setattr(selfstudy, "assignments", settings.assignments)
    with pytest.raises(selfstudy.NoSolutions):
        selfstudy.write_copies(tmp_path / "out")
    assert selfstudy.main(["--out", str(tmp_path / "out")]) == 2
    assert "no solutions/ folder" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_unknown_problem_set_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        selfstudy.main(["--out", str(tmp_path), "ps9-nothing"])
    assert stop.value.code == 2 and "unknown problem set" in capsys.readouterr().err
