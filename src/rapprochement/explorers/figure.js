// An explorer's chart: plotly's FigureWidget, with plotly's widget code evaluated once per page.
//
// anywidget (0.9 to 0.11) gives a model 2 s to load its module and run its initialize(); a model
// that takes longer never handles another message from the kernel. plotly's widget module is
// 5 MB, sent and evaluated anew for every FigureWidget, so on a page with four explorers the
// later ones could take over 2 s on a slow or busy computer, and their charts then never
// changed again ("[anywidget] Failed to initialize model." in the browser console).
//
// This module is small. Its initialize() returns at once; plotly's code is asked of the kernel
// and imported once per page, and shared by every chart; what the kernel sends before plotly's
// model listens is recorded and replayed to it, in order. A view is drawn once plotly is ready.
const KEYS = ["_py2js_addTraces", "_py2js_deleteTraces", "_py2js_moveTraces", "_py2js_restyle",
  "_py2js_relayout", "_py2js_update", "_py2js_animate", "_py2js_removeLayoutProps",
  "_py2js_removeTraceProps"];

// Evaluating plotly's module holds the page for a second or more on a slow computer; widgets
// created in the same moment (the rest of this explorer) would miss anywidget's 2 s limit
// while it runs, so it starts once the page is idle.
function whenIdle() {
  return new Promise((resolve) => {
    setTimeout(() => {
      if (globalThis.requestIdleCallback) requestIdleCallback(resolve, { timeout: 1000 });
      else resolve();
    }, 100);
  });
}

// After each change from the kernel, plotly's view works out the defaults of the whole chart
// and sends them to the kernel (_sendTraceDeltas, _sendLayoutDelta) before the browser can
// paint it, and the kernel then merges them into its copy (for 17 traces: 11-19 KB and 4-54 ms
// per change, before it can take the next click). The explorers never read plotly's defaults,
// so the view only tells the kernel which change it has drawn (the edit id, with no defaults),
// which is what the kernel waits for.
export function acknowledgeOnly(mod) {
  const view = mod.FigureView && mod.FigureView.prototype;
  if (!view) return mod;
  view._sendTraceDeltas = function (id) {
    this.model.set("_js2py_traceDeltas", { trace_deltas: [], trace_edit_id: id });
    this.touch();
  };
  view._sendLayoutDelta = function (id) {
    this.model.set("_js2py_layoutDelta", { layout_delta: {}, layout_edit_id: id });
    this.touch();
  };
  return mod;
}

// plotly's module is asked of the kernel once per page (anywidget's command call; the kernel
// answers when it is free, after a Run All), not sent in every chart's state: 5 MB once instead
// of once per chart. A failed call (the kernel stopped) shows in the chart and is asked again
// by the next chart drawn.
const WAIT_MS = 120000;

function plotlyWidgetModule(experimental) {
  const shared = globalThis;
  if (!shared.__rapprochementPlotlyWidget) {
    const loading = experimental
      .invoke("_plotly_module", {}, { signal: AbortSignal.timeout(WAIT_MS) })
      .then(([, buffers]) => whenIdle().then(() => buffers[0]))
      .then((code) => {
        const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
        return import(url)
          .then(acknowledgeOnly)
          .finally(() => URL.revokeObjectURL(url));
      });
    loading.catch(() => {
      if (shared.__rapprochementPlotlyWidget === loading) shared.__rapprochementPlotlyWidget = null;
    });
    shared.__rapprochementPlotlyWidget = loading;
  }
  return shared.__rapprochementPlotlyWidget;
}

export default () => {
  let ready = null;
  return {
    initialize({ model, experimental }) {
      const seen = [];
      const listeners = KEYS.map((key) => {
        const record = () => seen.push([key, model.get(key)]);
        model.on("change:" + key, record);
        return [key, record];
      });
      ready = plotlyWidgetModule(experimental).then((mod) => {
        listeners.forEach(([key, record]) => model.off("change:" + key, record));
        const widget = mod.default();
        widget.initialize({ model });
        seen.forEach(([key, value]) => model.set(key, value));
        return widget;
      });
      ready.catch((err) => console.error("[rapprochement] the chart's code did not load", err));
    },
    async render({ model, el }) {
      let widget;
      try {
        widget = await ready;
      } catch (err) {
        el.textContent = "The chart could not be drawn: its code did not load (" + err + ").";
        return undefined;
      }
      return widget.render({ model, el });
    },
  };
};
