// Draw every plotly figure stored on the page as JSON (<script type="application/json"
// class="rapprochement-figure">), with the one local plotly.js the page loads. No network.
(function () {
  "use strict";
  // A kernel-free explorer (layout.meta.static_explorer) has its menus and sliders above the
  // legend, which wraps into more rows as the chart narrows. After each draw, move the
  // controls and their labels up by as much as the legend has outgrown the room kept for it
  // (meta.legend_room, in px), and grow the top margin and the height by as much, so that the
  // plot keeps its size and nothing covers the legend or the data.
  function keepControlsClear(gd) {
    var fl = gd._fullLayout, meta = fl && fl.meta;
    if (!meta || !meta.static_explorer || gd._rapprochementBusy) return;
    var base = gd._rapprochementBase;
    if (!base) {
      base = gd._rapprochementBase = {
        t: fl.margin.t, height: fl.height, labels: {},
        menus: (gd.layout.updatemenus || []).map(function (m) { return m.y; }),
        sliders: (gd.layout.sliders || []).map(function (m) { return m.y; })
      };
      (gd.layout.annotations || []).forEach(function (a) {
        if (a.yref === "paper" && a.y > 1) base.labels[a.text] = a.y;
      });
    }
    var bg = gd.querySelector(".legend .bg");
    var legend = fl.showlegend && bg ? bg.getBoundingClientRect().height : 0;
    var shift = legend ? Math.max(0, Math.ceil(legend + 0.02 * fl._size.h + 8 - (meta.legend_room || 0))) : 0;
    var ph = fl._size.h, edit = {}, changed = Math.abs(fl.margin.t - (base.t + shift)) > 1;
    edit["margin.t"] = base.t + shift;
    edit.height = base.height + shift;
    base.menus.forEach(function (y, i) { edit["updatemenus[" + i + "].y"] = y + shift / ph; });
    base.sliders.forEach(function (y, i) { edit["sliders[" + i + "].y"] = y + shift / ph; });
    (gd.layout.annotations || []).forEach(function (a, i) {
      if (base.labels[a.text] === undefined) return;
      var y = base.labels[a.text] + shift / ph;
      edit["annotations[" + i + "].y"] = y;
      if (Math.abs(a.y - y) * ph > 1) changed = true;
    });
    if (!changed) return;
    gd._rapprochementBusy = true;
    function done() {
      gd._rapprochementBusy = false;
      // a new height turns plotly's autosize off and fixes the width: follow the page again
      delete gd.layout.width;
      gd.layout.autosize = true;
      if (Math.abs(gd._fullLayout.width - gd.clientWidth) > 1) Plotly.Plots.resize(gd);
    }
    Plotly.relayout(gd, edit).then(done, done);
  }
  function draw() {
    if (typeof Plotly === "undefined") {
      console.error("plotly.js did not load");
      return;
    }
    document.querySelectorAll("script.rapprochement-figure").forEach(function (node) {
      var target = document.getElementById(node.dataset.target);
      if (!target || target.dataset.drawn) return;
      // a figure shared by several pages comes from its own file (_static/figures/KEY.js)
      var fig = node.dataset.ref
        ? (window.rapprochementFigures || {})[node.dataset.ref]
        : JSON.parse(node.textContent);
      if (!fig) {
        console.error("figure " + node.dataset.ref + " did not load");
        return;
      }
      var config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["toImage"] };
      Plotly.newPlot(target, fig.data, fig.layout || {}, config).then(function () {
        keepControlsClear(target);
        target.on("plotly_afterplot", function () { keepControlsClear(target); });
        // plotly's "responsive" follows window resizes only; the page's column also narrows
        // when the theme lays out its sidebars after the chart was drawn: follow the box
        new ResizeObserver(function () {
          var fl = target._fullLayout;
          if (fl && target.clientWidth && Math.abs(fl.width - target.clientWidth) > 1) {
            if (target.layout) { delete target.layout.width; target.layout.autosize = true; }
            Plotly.Plots.resize(target);
          }
        }).observe(target);
        target.dataset.drawn = "1";
        // bench/bench_book.py reads when the first chart of the page was drawn
        if (window.rapprochementFirstChart === undefined) {
          window.rapprochementFirstChart = performance.now();
        }
        var svg = target.querySelector(".main-svg");
        if (svg) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", target.getAttribute("aria-label") || "chart");
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
