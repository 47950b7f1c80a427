// Renders the goal chart from the Vega-Lite spec the page carries in
// <script type="application/json" id="chart-spec"> (data, not code, so the CSP allows it).
// Expressions are evaluated by vega-interpreter: no eval, no 'unsafe-eval'. The figure's text
// alternative and the figure table are in the page, so the page says everything without this.
(function () {
  "use strict";
  function draw() {
    var data = document.getElementById("chart-spec");
    var target = document.getElementById("chart");
    var lib = window.pejlingVega;
    if (!data || !target || !lib) { return; }
    var spec = JSON.parse(data.textContent);
    lib.vegaEmbed(target, spec, {
      actions: false,
      renderer: "svg",
      ast: true,
      expr: lib.expressionInterpreter,
      defaultStyle: false,
      formatLocale: {
        decimal: ",", thousands: ".", grouping: [3], currency: ["", " kr."]
      },
      tooltip: { disableDefaultStyle: true }
    }).catch(function (err) {
      target.textContent = "Grafen kunne ikke vises; tallene står i tabellen nedenfor.";
      if (window.console) { window.console.error(err); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
