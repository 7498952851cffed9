// The explorers' helper in the browser (explorers/widget.py, AccessibleControls): names and
// keyboard access for ipywidgets' controls, and each chart fitted to its box.
function patch(root) {
  root.querySelectorAll(".widget-inline-hbox, .widget-toggle-buttons").forEach(function (box) {
    var label = box.querySelector(":scope > .widget-label");
    var text = label ? label.textContent.trim() : "";
    if (!text) return;
    box.querySelectorAll(".noUi-handle").forEach(function (h) {
      if (h.getAttribute("aria-label") !== text) h.setAttribute("aria-label", text);
      h.setAttribute("data-lm-suppress-shortcuts", "true");
    });
    box.querySelectorAll(".widget-readout").forEach(function (r) {
      if (r.getAttribute("aria-label") !== text + ", value") {
        r.setAttribute("aria-label", text + ", value");
      }
      r.setAttribute("data-lm-suppress-shortcuts", "true");
    });
    box.querySelectorAll("select").forEach(function (sel) {
      if (!sel.id) sel.id = "rapprochement-" + Math.random().toString(36).slice(2);
      if (label.tagName === "LABEL" && label.htmlFor !== sel.id) label.htmlFor = sel.id;
      if (!sel.getAttribute("aria-label")) sel.setAttribute("aria-label", text);
      sel.setAttribute("data-lm-suppress-shortcuts", "true");
    });
    var group = box.matches(".widget-toggle-buttons") ? box
      : box.querySelector(".widget-toggle-buttons");
    if (group) {
      group.setAttribute("role", "group");
      if (group.getAttribute("aria-label") !== text) group.setAttribute("aria-label", text);
      group.querySelectorAll("button").forEach(function (b) {
        var on = b.classList.contains("mod-active") ? "true" : "false";
        if (b.getAttribute("aria-pressed") !== on) b.setAttribute("aria-pressed", on);
      });
    }
  });
}
// Fit each chart to its box. The FigureWidget draws its chart before JupyterLab has put it on
// the page, where plotly finds no width and falls back to 700 px, and (as an anywidget) it never
// hears of a resize of its output area. So: whenever the explorer's box or a chart changes,
// compare the size the chart was drawn at with the size it should have and, if they differ,
// have plotly redraw that one chart (its own "responsive" handler, which a window resize would
// call for every chart on the page). That handler takes the width and the height from the
// chart's box, so a new height is set as the box's height.
// * Width: the box's. The kernel never sets a width; when an update changes the chart's
//   height, plotly turns autosize off and fixes the width it had (a chart then stayed 934 px
//   wide in a 368 px column once the window narrowed), so that width is dropped.
// * Height: the kernel's, grown so that the plot area keeps MIN_PLOT px when the legend above
//   it wraps into more rows on a narrow screen (at 800 px five rows left 40 px of plot), and
//   back to the kernel's when it widens again (at one width it does not shrink).
// * A legend above the plot pushes the top margin by its height; after a redraw at a new width
//   plotly has been seen to keep the margin of the old number of legend rows, so that the
//   legend covered the top of the data: redraw again when it does.
// plotly defers a resize by 100 ms and starts the wait again when asked again, so a chart is
// not asked again while the redraw it was asked for is pending (under load, asking every 250 ms
// kept postponing it); each chart is looked at again when that redraw is done
// (plotly_afterplot), up to MAX_TRIES times per change, and after WAIT ms at the latest.
var MIN_PLOT = 240, MAX_TRIES = 6, WAIT = 3000;
function legendCoversPlot(gd) {
  var legend = gd.querySelector(".legend .bg"), area = gd.querySelector(".draglayer .nsewdrag");
  if (!legend || !area) return false;
  return legend.getBoundingClientRect().bottom > area.getBoundingClientRect().top + 2;
}
function wantedHeight(gd, full) {
  // the kernel's height: in gd.layout until this code takes it out to set the box's
  if (gd.layout.height) gd._rapprochementBase = gd.layout.height;
  var base = gd._rapprochementBase || full.height, plot = full._size ? full._size.h : MIN_PLOT;
  return Math.max(base, Math.round(full.height + MIN_PLOT - plot));
}
function fit(root, again) {
  root.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
    var full = gd._fullLayout, w = gd.clientWidth;
    if (!full || !w || !gd._responsiveChartHandler || !gd.layout) return;
    if (!gd._rapprochementHooked && gd.on) {
      gd._rapprochementHooked = true;
      gd.on("plotly_afterplot", function () { gd._rapprochementAsked = 0; again(); });
    }
    if (gd._rapprochementAsked && performance.now() - gd._rapprochementAsked < WAIT) return;
    // at one width the chart only grows: a setting with fewer legend rows keeps the height a
    // setting with more rows needed, so that switching between them is one redraw, not two
    var kept = gd._rapprochementKept && gd._rapprochementKept.w === w ? gd._rapprochementKept.h : 0;
    var h = Math.max(wantedHeight(gd, full), kept), tries = gd._rapprochementTries || 0;
    var off = Math.abs(full.width - w) > 1 || Math.abs(full.height - h) > 1;
    if (!off && !legendCoversPlot(gd)) { gd._rapprochementTries = 0; return; }
    if (tries >= MAX_TRIES) return;
    gd._rapprochementTries = tries + 1;
    gd._rapprochementAsked = performance.now();
    gd._rapprochementKept = {w: w, h: h};
    delete gd.layout.width;
    delete gd.layout.height;
    gd.layout.autosize = true;
    gd.style.height = h + "px";
    gd._responsiveChartHandler();
    // in case plotly draws nothing (e.g. the chart was hidden): look again after WAIT
    setTimeout(again, WAIT + 50);
  });
}
export default {
  render({ model, el }) {
    var observer = null, sizer = null, tries = 0, pending = false;
    function later(fresh) {
      if (fresh && root) root.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
        gd._rapprochementTries = 0;
      });
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () {
        pending = false;
        fit(root, function () { later(false); });
      });
    }
    var root = null;
    function start() {
      root = el.closest(".rapprochement-explorer");
      if (!root) { if (tries++ < 400) setTimeout(start, 50); return; }
      patch(root);
      // the picture shown to readers without a kernel is not needed once the widget is live
      var cell = root.closest(".jp-Cell, .jp-OutputArea");
      if (cell) cell.querySelectorAll(".rapprochement-static").forEach(function (f) {
        f.style.display = "none";
      });
      sizer = new ResizeObserver(function () { later(true); });
      sizer.observe(root);
      observer = new MutationObserver(function (records) {
        patch(root);
        // a chart drawn or redrawn (new SVG): check its width once the frame is laid out
        if (records.some(function (r) { return r.type === "childList"; })) later(false);
      });
      observer.observe(root, {subtree: true, childList: true, attributes: true,
                              attributeFilter: ["class", "disabled"]});
      later();
    }
    start();
    return function () {
      if (observer) observer.disconnect();
      if (sizer) sizer.disconnect();
    };
  }
};
