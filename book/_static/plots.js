// Draw every plotly figure stored on the page as JSON (<script type="application/json"
// class="rapprochement-figure">), with the one local plotly.js the page loads. No network.
(function () {
  "use strict";
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
