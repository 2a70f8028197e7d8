/* Today: the funnel as a bar chart (uPlot), from the JSON the page carries. */
(function () {
  "use strict";

  // Long step names ("Leads with an appointment") go on two lines under their bar.
  function twoLines(text) {
    if (text.length < 14 || text.indexOf(" ") === -1) {
      return text;
    }
    var middle = text.length / 2;
    var best = -1;
    for (var i = 0; i < text.length; i += 1) {
      if (text[i] === " " && (best === -1 || Math.abs(i - middle) < Math.abs(best - middle))) {
        best = i;
      }
    }
    return text.slice(0, best) + "\n" + text.slice(best + 1);
  }

  function draw() {
    var holder = document.getElementById("funnel-chart");
    var source = document.getElementById("funnel-data");
    if (!holder || !source || !window.uPlot) {
      return;
    }
    var data = JSON.parse(source.textContent);
    if (!data.counts.length) {
      return;
    }
    var xs = data.counts.map(function (_count, index) { return index; });
    var bars = uPlot.paths.bars({ size: [0.6, 120], align: 0 });
    var width = Math.max(holder.clientWidth, 240);
    var options = {
      width: width,
      height: 220,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [-0.5, xs.length - 0.5] }, y: { range: [0, Math.max.apply(null, data.counts) * 1.15 || 1] } },
      axes: [
        {
          values: function (_u, ticks) { return ticks.map(function (t) { return twoLines(data.labels[t] || ""); }); },
          splits: function () { return xs; },
          gap: 6,
          size: 48,
          font: "12px system-ui, sans-serif"
        },
        { font: "12px system-ui, sans-serif", size: 40 }
      ],
      series: [
        {},
        { label: data.series, fill: "rgba(4, 120, 87, 0.75)", stroke: "#047857", width: 1, paths: bars, points: { show: false } }
      ]
    };
    var chart = new uPlot(options, [xs, data.counts], holder);
    window.addEventListener("resize", function () {
      chart.setSize({ width: Math.max(holder.clientWidth, 240), height: 220 });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
