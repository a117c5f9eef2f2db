// Draws the report pages' charts (templates/reports/_chart.html) with Chart.js from the numbers in each
// chart's JSON island; the table under each canvas holds the same numbers for those who cannot see it.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }  // the tables still carry every number
  var TONES = {incoming: "#0d6efd", outgoing: "#198754", good: "#198754", late: "#fd7e14", overdue: "#dc3545"};
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "vi");

  function draw(canvas) {
    var island = document.getElementById(canvas.dataset.chartData);
    if (!island) { return; }
    var data = JSON.parse(island.textContent);
    var suffix = data.unit ? " " + data.unit : "";
    new window.Chart(canvas, {
      type: data.kind,
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series) {
          var colour = TONES[series.tone] || "#6c757d";
          return {label: series.label, data: series.values, backgroundColor: colour, borderColor: colour,
                  tension: 0.2, fill: false};
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: data.stacked ? "y" : "x",
        scales: {
          x: {stacked: data.stacked, beginAtZero: true, max: data.unit === "%" ? 100 : undefined},
          y: {stacked: data.stacked, beginAtZero: true}
        },
        plugins: {
          tooltip: {callbacks: {label: function (item) {
            return item.dataset.label + ": " + numbers.format(item.parsed[data.stacked ? "x" : "y"]) + suffix;
          }}}
        }
      }
    });
  }

  document.querySelectorAll("canvas[data-chart-data]").forEach(draw);
})();
