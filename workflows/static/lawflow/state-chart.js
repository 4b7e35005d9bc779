/* The state charts (web/templates/web/chart.html): each `.lf-chart[data-dot]` element holds a viewflow.fsm chart as
 * DOT with the state columns (data-levels); vis-network, which viewflow's page loads, draws it. A file, not an
 * inline script, so that the Content-Security-Policy can refuse every inline script (config/settings.py). Runs
 * where it is included, once per page (Turbo runs it again on the next page it appears on). */
(function () {
  "use strict";
  if (!window.vis) { return; }
  Array.prototype.forEach.call(document.querySelectorAll(".lf-chart[data-dot]"), function (element) {
    if (element.dataset.drawn) { return; }
    element.dataset.drawn = "1";
    var parsed = vis.network.convertDot(element.dataset.dot);
    var levels = JSON.parse(element.dataset.levels || "{}");
    parsed.nodes.forEach(function (node) { if (node.id in levels) { node.level = levels[node.id]; } });
    var options = {
      layout: {hierarchical: {enabled: true, direction: "LR", levelSeparation: 200, nodeSpacing: 90}},
      physics: false,
      nodes: {shape: "box", margin: 10, color: {background: "#e3f2fd", border: "#1976d2"}, font: {size: 14}},
      edges: {arrows: "to", font: {size: 11, align: "middle", background: "#ffffff"}, color: {color: "#90a4ae"},
              smooth: {type: "cubicBezier", forceDirection: "horizontal", roundness: 0.4}},
      interaction: {dragNodes: true, zoomView: true, dragView: true}
    };
    new vis.Network(element, {nodes: parsed.nodes, edges: parsed.edges}, options);
  });
})();
