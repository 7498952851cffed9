"""The explorer's chart widget: plotly's FigureWidget whose front end loads plotly once per page
and initializes at once (``explorers/figure.js``), checked in Node against a stand-in model.

Node runs the real ``figure.js`` with a stand-in for anywidget's model (``get``, ``set``, ``on``,
``off``) and for plotly's widget module, which records what its model handlers saw. Without
Node these tests skip, unless RAPPROCHEMENT_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import plotly.graph_objects as go
import pytest
from plotly.basewidget import BaseFigureWidget

from rapprochement.explorers import figure
from rapprochement.explorers.figure import ExplorerFigure

MODULE = Path(figure.__file__).with_name("figure.js")

# A page with two charts: the kernel sends changes before plotly's module has loaded, the
# module loads (once), and later changes go straight to plotly's model.
DRIVER = r"""
const events = [];
let loads = 0, release;
const gate = new Promise((r) => { release = r; });
// plotly's widget module, as figure.js imports it (the import itself is stood in for here)
globalThis.__rapprochementPlotlyWidget = gate.then(() => { loads += 1; return {
  default: () => ({
    initialize({ model }) {
      for (const kind of ["update", "restyle"]) {
        const key = "_py2js_" + kind;
        model.on("change:" + key, () => events.push([model.name, kind, model.get(key)]));
      }
    },
    render({ model, el }) { el.drawn = model.name; return () => {}; },
  }) }; });
function makeModel(name) {
  const state = {}, handlers = {};
  return { name,
    get: (k) => (k in state ? state[k] : null),
    set(k, v) {
      const old = k in state ? state[k] : null;
      state[k] = v;
      if (JSON.stringify(old) === JSON.stringify(v)) return;
      (handlers["change:" + k] || []).forEach((h) => h());
    },
    on(e, h) { (handlers[e] = handlers[e] || []).push(h); },
    off(e, h) { handlers[e] = (handlers[e] || []).filter((x) => x !== h); } };
}
const mod = await import(process.argv[2]);
const a = makeModel("a"), b = makeModel("b");
const wa = mod.default(), wb = mod.default();
const t0 = Date.now();
const ra = wa.initialize({ model: a }), rb = wb.initialize({ model: b });
const returnedAtOnce = ra === undefined && rb === undefined;
// what the kernel sends while plotly loads: a message, then the reset to null (plotly.py sets
// each _py2js_ trait to its message and back to None)
a.set("_py2js_update", {n: 1}); a.set("_py2js_update", null);
a.set("_py2js_restyle", {n: 2}); a.set("_py2js_restyle", null);
a.set("_py2js_update", {n: 3}); a.set("_py2js_update", null);
b.set("_py2js_update", {n: 4}); b.set("_py2js_update", null);
const before = events.length;
const el = {};
const drawn = wa.render({ model: a, el });
release();
await drawn;
a.set("_py2js_update", {n: 5});
console.log(JSON.stringify({returnedAtOnce, before, loads, events, drawn: el.drawn}));
"""


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        reason = "Node.js is not installed"
        if os.environ.get("RAPPROCHEMENT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"required (RAPPROCHEMENT_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(reason)
    return node


def _run(tmp_path: Path, module: Path = MODULE) -> dict:
    driver = tmp_path / "driver.mjs"
    driver.write_text(DRIVER, encoding="utf-8")
    out = subprocess.run(
        [_node(), str(driver), module.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout)


def test_initialize_returns_at_once_and_replays_what_came_before_in_order(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result["returnedAtOnce"]
    assert result["before"] == 0  # nothing reached plotly's model before it loaded
    assert result["loads"] == 1  # one module for both charts
    assert result["events"] == [
        ["a", "update", {"n": 1}],
        ["a", "update", None],
        ["a", "restyle", {"n": 2}],
        ["a", "restyle", None],
        ["a", "update", {"n": 3}],
        ["a", "update", None],
        ["b", "update", {"n": 4}],
        ["b", "update", None],
        ["a", "update", {"n": 5}],
    ]
    assert result["drawn"] == "a"


def test_a_module_that_awaited_plotly_in_initialize_would_fail_this_test(tmp_path: Path) -> None:
    """The oracle can fail: the same driver on a module without the replay loses the messages
    sent while plotly loaded (what a model held past anywidget's 2 s limit shows)."""
    text = MODULE.read_text(encoding="utf-8").replace(
        "seen.forEach(([key, value]) => model.set(key, value));", ""
    )
    assert text != MODULE.read_text(encoding="utf-8")
    broken = tmp_path / "broken.js"
    broken.write_text(text, encoding="utf-8")
    result = _run(tmp_path, broken)
    assert result["events"] == [["a", "update", {"n": 5}]]


def test_every_plotly_message_trait_is_recorded() -> None:
    """figure.js replays each ``_py2js_`` trait plotly's FigureWidget has (a new one in a later
    plotly would otherwise be lost while plotly loads)."""
    traits = {n for n in BaseFigureWidget.class_trait_names() if n.startswith("_py2js_")}
    text = MODULE.read_text(encoding="utf-8")
    start = text.index("const KEYS = [")
    keys = set(json.loads(text[start + len("const KEYS = ") : text.index("];", start) + 1]))
    assert traits and keys == traits


def test_the_widget_sends_its_small_module_and_plotlys_only_when_asked() -> None:
    fig = ExplorerFigure()
    assert isinstance(fig, go.FigureWidget)
    assert len(fig._esm) < 8_000
    # nothing of plotly's 5 MB module is in the state sent with each chart
    state = fig.get_state()
    assert sum(len(str(v)) for v in state.values()) < 50_000
    # anywidget's command call gets it, as a binary buffer: plotly's own module, unchanged
    sent: list[tuple[dict, list[bytes]]] = []
    fig.send = lambda content, buffers=None: sent.append((content, buffers))  # type: ignore[method-assign]
    fig._handle_msg(
        {
            "content": {
                "data": {
                    "method": "custom",
                    "content": {
                        "id": "1",
                        "kind": "anywidget-command",
                        "name": "_plotly_module",
                        "msg": {},
                    },
                }
            },
            "buffers": [],
        }
    )
    ((content, buffers),) = sent
    assert content["id"] == "1" and content["kind"] == "anywidget-command-response"
    assert buffers[0].decode("utf-8") == str(BaseFigureWidget._esm)


ACK_DRIVER = r"""
const { acknowledgeOnly } = await import(process.argv[2]);
const sent = [];
class FigureView {
  _sendTraceDeltas() { throw new Error("plotly's own: works out every default"); }
  _sendLayoutDelta() { throw new Error("plotly's own: works out every default"); }
}
acknowledgeOnly({ FigureView });
const view = Object.assign(new FigureView(), {
  model: { set: (k, v) => sent.push([k, v]) }, touch: () => sent.push(["touch"]) });
view._sendTraceDeltas(7);
view._sendLayoutDelta(8);
console.log(JSON.stringify(sent));
"""


def test_the_view_tells_the_kernel_which_change_it_drew_without_plotlys_defaults(
    tmp_path: Path,
) -> None:
    driver = tmp_path / "ack.mjs"
    driver.write_text(ACK_DRIVER, encoding="utf-8")
    out = subprocess.run(
        [_node(), str(driver), MODULE.as_uri()], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [
        ["_js2py_traceDeltas", {"trace_deltas": [], "trace_edit_id": 7}],
        ["touch"],
        ["_js2py_layoutDelta", {"layout_delta": {}, "layout_edit_id": 8}],
        ["touch"],
    ]
    # the keys are the kernel-side traits that take these reports
    traits = set(BaseFigureWidget.class_trait_names())
    assert {"_js2py_traceDeltas", "_js2py_layoutDelta"} <= traits
