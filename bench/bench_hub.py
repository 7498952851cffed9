"""How many students one JupyterHub server holds (prints figures; not a test).

Usage (root, like tests/hub; configurable-http-proxy on PATH or in $RAPPROCHEMENT_CHP):

    .venv-hub/bin/python bench/bench_hub.py [--steps 1,2,4,8] [--think 10] [--probes 2]

Starts a real JupyterHub from deploy/ (rapprochement_support.hubctl: a fresh install, real
accounts, removed afterwards) and adds simulated students step by step. A simulated student is what
a student in class costs the server: a user server started by the hub, a kernel that has run
notebooks/06-trade-and-targets.ipynb top to bottom (all four explorers built), and a "click"
every --think seconds (a control of the first explorer changes, so the kernel rebuilds the
chart), sent through the hub's proxy over the kernel's WebSocket. Their browsers are not
simulated (they run on the students' machines).

At each step, with N students active (N - 1 simulated ones and one probe), it reports:

* memory per student: PSS and RSS of all processes of each simulated student's account (the
  user server and its kernel), median over the students; PSS counts shared pages once;
* the probe student, in headless Chromium through the proxy: time from Run All (notebook open,
  outputs cleared, fresh kernel) to the first rendered chart and to all four, and from a
  click on "Both + gap" to the redrawn chart; median of --probes runs;
* the load average, since this machine may be shared with other work.

The Chromium of the probe runs on the same machine and takes CPU from the server: on a real
server the browser is elsewhere, so the times here are an upper bound.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
from rapprochement_support import hubctl  # noqa: E402

NOTEBOOK = "rapprochement/notebooks/06-trade-and-targets.ipynb"
GOAL_S = 2.0
CLICK = (
    "explorer.controls['source'].value = "
    "'both' if explorer.controls['source'].value != 'both' else 'china_customs'"
)


def load_lab() -> Any:
    from rapprochement_support import lab

    return lab


# --- a simulated student's kernel, driven over the Jupyter WebSocket protocol ---------------


class KernelClient:
    """Execute code in a user's kernel through the hub's proxy (JSON messages, shell channel)."""

    def __init__(self, hub: hubctl.Hub, user: str, token: str) -> None:
        self.hub, self.user, self.token = hub, user, token
        self.session = uuid.uuid4().hex
        self.ws: Any = None

    async def connect(self) -> None:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        status, model = self.hub.api(
            "POST",
            f"/user/{self.user}/api/sessions",
            {"path": NOTEBOOK, "type": "notebook", "kernel": {"name": "python3"}},
            token=self.token,
        )
        assert status in (200, 201), (status, model)
        kernel_id = model["kernel"]["id"]
        ws_url = self.hub.url.replace("http", "ws", 1)
        req = HTTPRequest(
            f"{ws_url}/user/{self.user}/api/kernels/{kernel_id}/channels?session_id={self.session}",
            headers={"Authorization": f"token {self.token}"},
            request_timeout=120,
            connect_timeout=120,
        )
        self.ws = await websocket_connect(req, max_message_size=512 * 1024 * 1024)

    async def execute(self, code: str, timeout: float = 300) -> dict[str, Any]:
        msg_id = uuid.uuid4().hex
        msg = {
            "header": {
                "msg_id": msg_id,
                "username": self.user,
                "session": self.session,
                "msg_type": "execute_request",
                "version": "5.3",
                "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
            "parent_header": {},
            "metadata": {},
            "content": {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
            "channel": "shell",
            "buffers": [],
        }
        await self.ws.write_message(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            raw = await asyncio.wait_for(self.ws.read_message(), timeout)
            if raw is None:
                raise RuntimeError(f"{self.user}: kernel connection closed")
            if not isinstance(raw, str):
                continue  # binary frames: widget buffers
            reply = json.loads(raw)
            if (
                reply.get("channel") == "shell"
                and reply.get("parent_header", {}).get("msg_id") == msg_id
            ):
                if reply["content"].get("status") != "ok":
                    raise RuntimeError(f"{self.user}: {reply['content'].get('ename')}")
                return reply
        raise TimeoutError(f"{self.user}: no reply in {timeout} s")


class Class:
    """Simulated students on a background event loop: run notebook 06, then click now and then."""

    def __init__(self, hub: hubctl.Hub, think: float) -> None:
        self.hub, self.think = hub, think
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.clicks: list[float] = []
        self.errors: list[str] = []
        self.stop = False
        self._ready: set[str] = set()

    def add(self, users: list[str]) -> None:
        """Start these students' kernels and run notebook 06 in each (all at once)."""
        import nbformat

        nb = nbformat.read(ROOT / "notebooks" / "06-trade-and-targets.ipynb", as_version=4)
        cells = [c.source for c in nb.cells if c.cell_type == "code"]
        futures = [
            asyncio.run_coroutine_threadsafe(self._student(u, cells), self.loop) for u in users
        ]
        # wait until each has run the notebook (the _student coroutine signals it)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if all(f.done() or u in self._ready for f, u in zip(futures, users, strict=True)):
                break
            time.sleep(0.5)
        for f in futures:
            if f.done() and f.exception():
                raise RuntimeError(f"a simulated student failed: {f.exception()}")

    async def _student(self, user: str, cells: list[str]) -> None:
        client = KernelClient(self.hub, user, self.hub.user_token(user))
        await client.connect()
        for code in cells:
            await client.execute(code)
        self._ready.add(user)
        offset = (hash(user) % 1000) / 1000 * self.think  # spread the clicks
        await asyncio.sleep(offset)
        while not self.stop:
            started = time.perf_counter()
            try:
                await client.execute(CLICK, timeout=120)
                self.clicks.append(time.perf_counter() - started)
            except Exception as exc:  # noqa: BLE001 (reported, the bench goes on)
                self.errors.append(f"{user}: {exc}")
            await asyncio.sleep(self.think)

    def close(self) -> None:
        self.stop = True
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


# --- measurements --------------------------------------------------------------------------


def account_memory(uid: int) -> tuple[float, float]:
    """(PSS, RSS) in MiB of all processes of ``uid``."""
    pss = rss = 0
    for pid in hubctl.user_pids(uid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
    return pss / 1024, rss / 1024


def account_cpu(uid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of ``uid``."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in hubctl.user_pids(uid):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


FIRST = (
    "(n) => [...document.querySelectorAll('.js-plotly-plot')]"
    ".filter(gd => gd.querySelector('.main-svg')).length >= n"
)


def probe(lab: Any, context: Any, hub: hubctl.Hub, base: str) -> dict[str, Any]:
    """In a new tab: open notebook 06 with a fresh kernel, clear outputs, Run All; time the
    charts and a click."""
    page = context.new_page()
    page.set_default_timeout(180_000)
    try:
        return _probe(lab, page, hub, base)
    finally:
        page.close()


def _probe(lab: Any, page: Any, hub: hubctl.Hub, base: str) -> dict[str, Any]:
    lab.open_notebook(page, base, NOTEBOOK, timeout=180_000)
    page.keyboard.press("Escape")
    lab._menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length === 0")
    started = time.perf_counter()
    lab._menu(page, "Run", "Run All Cells")
    page.wait_for_function(FIRST, arg=1, timeout=180_000, polling=50)
    first = time.perf_counter() - started
    page.wait_for_function(FIRST, arg=4, timeout=180_000, polling=50)
    four = time.perf_counter() - started
    page.wait_for_function(lab._ALL_DONE, timeout=180_000)
    try:
        click_ms = lab.click_and_time_redraw(page, 0, "Both + gap", timeout_ms=60_000)
    except Exception as exc:  # noqa: BLE001 (counted and reported)
        print(f"    (probe click failed: {str(exc)[:80]})", flush=True)
        click_ms = None
    # shut the probe's kernel down (with its token; the page's cookie needs an XSRF header)
    user = base.rstrip("/").rsplit("/", 1)[-1]
    token = hub.user_token(user)
    status, kernels = hub.api("GET", f"/user/{user}/api/kernels", token=token)
    assert status == 200, (status, kernels)
    for kernel in kernels:
        hub.api("DELETE", f"/user/{user}/api/kernels/{kernel['id']}", token=token)
    return {"first": first, "four": four, "click_ms": click_ms}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", default="1,2,4,8", help="numbers of active students, ascending")
    p.add_argument("--think", type=float, default=10, help="seconds between a student's clicks")
    p.add_argument("--probes", type=int, default=2, help="probe runs per step (median)")
    p.add_argument("--settle", type=float, default=10, help="seconds to wait before probing")
    p.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = p.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    reason = hubctl.missing_reason()
    if reason:
        print(f"cannot run: {reason}")
        return 2
    lab = load_lab()
    if lab.browser_missing_reason():
        print(f"cannot run: {lab.browser_missing_reason()}")
        return 2
    from playwright.sync_api import sync_playwright

    sims = [f"s{i}" for i in range(1, max(steps))]
    root = Path(tempfile.mkdtemp(prefix="rapprochement-hubbench-"))
    rows: list[dict[str, Any]] = []
    cls: Class | None = None
    try:
        with (
            hubctl.accounts("rhb-", {"instructors": [], "students": ["probe", *sims]}) as (
                users,
                groups,
            ),
            hubctl.install(root, groups["instructors"]) as inst,
            hubctl.hub(
                inst,
                students_group=groups["students"],
                instructors_group=groups["instructors"],
                cull_seconds=24 * 3600,
            ) as hub,
            sync_playwright() as pw,
        ):
            browser = lab.launch_chromium(pw)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(300_000)
            probe_user = users["probe"]
            page.goto(f"{hub.url}/hub/login", wait_until="domcontentloaded")
            page.fill("#username_input", probe_user.name)
            page.fill("#password_input", probe_user.password)
            page.click("#login_submit")
            page.wait_for_url(f"**/user/{probe_user.name}/**", timeout=300_000)
            base = f"{hub.url}/user/{probe_user.name}"
            cls = Class(hub, args.think)
            active: list[str] = []
            start_cpus: list[float] = []
            print(
                f"{'N':>3} {'PSS MiB/student':>16} {'RSS MiB/student':>16} "
                f"{'first chart s':>14} {'4 charts s':>11} {'click ms':>9} "
                f"{'bg click s':>11} {'CPU s start':>12} {'CPU %/student':>14} {'load1':>6}",
                flush=True,
            )
            for n in steps:
                new = [users[s].name for s in sims[len(active) : n - 1]]
                for name in new:
                    hub.request_server(name)
                for name in new:
                    hub.start_server(name, timeout=600)
                cls.add(new)
                uid_of = {users[s].name: users[s].uid for s in sims}
                # CPU a student costs to start a server and run notebook 06 (before any click)
                start_cpu = [account_cpu(uid_of[name]) for name in new]
                active += new
                time.sleep(args.settle)
                mem = [account_memory(users[s].uid) for s in sims[: n - 1]]
                clicks_before = len(cls.clicks)
                cpu0 = sum(account_cpu(uid_of[name]) for name in active)
                t0 = time.perf_counter()
                runs = [probe(lab, context, hub, base) for _ in range(args.probes)]
                window = time.perf_counter() - t0
                cpu1 = sum(account_cpu(uid_of[name]) for name in active)
                bg = cls.clicks[clicks_before:]
                clicks = [r["click_ms"] for r in runs if r["click_ms"] is not None]
                start_cpus.extend(start_cpu)
                row = {
                    "n": n,
                    "pss_mib": statistics.median(m[0] for m in mem) if mem else None,
                    "rss_mib": statistics.median(m[1] for m in mem) if mem else None,
                    "first_s": statistics.median(r["first"] for r in runs),
                    "four_s": statistics.median(r["four"] for r in runs),
                    "click_ms": statistics.median(clicks) if clicks else None,
                    "bg_click_s": statistics.median(bg) if bg else None,
                    "start_cpu_s": statistics.median(start_cpu) if start_cpu else None,
                    "cpu_pct": (100 * (cpu1 - cpu0) / window / len(active)) if active else None,
                    "load1": os.getloadavg()[0],
                    "errors": len(cls.errors),
                }
                rows.append(row)

                def f(v: float | None, spec: str) -> str:
                    return "-" if v is None else format(v, spec)

                print(
                    f"{n:>3} {f(row['pss_mib'], '16.0f')} {f(row['rss_mib'], '16.0f')} "
                    f"{row['first_s']:>14.2f} {row['four_s']:>11.2f} {f(row['click_ms'], '9.0f')} "
                    f"{f(row['bg_click_s'], '11.2f')} {f(row['start_cpu_s'], '12.1f')} "
                    f"{f(row['cpu_pct'], '14.1f')} {row['load1']:>6.1f}",
                    flush=True,
                )
            browser.close()
            cls.close()
            cls = None
    finally:
        if cls is not None:
            cls.close()
        import shutil

        shutil.rmtree(root, ignore_errors=True)
    over = [r["n"] for r in rows if r["first_s"] > GOAL_S]
    pss = [r["pss_mib"] for r in rows if r["pss_mib"]]
    print()
    if pss:
        print(f"memory per simulated student (PSS, median): {statistics.median(pss):.0f} MiB")
    if start_cpus:
        print(
            "CPU to start a server and run notebook 06 (median, s): "
            f"{statistics.median(start_cpus):.1f}"
        )
    print(
        f"first N over {GOAL_S:.0f} s to first chart: "
        + (str(over[0]) if over else f"none up to {steps[-1]}")
    )
    if cls is None and rows and rows[-1]["errors"]:
        print(f"simulated students' errors: {rows[-1]['errors']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
