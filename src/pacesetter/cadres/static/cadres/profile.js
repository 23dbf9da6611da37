/* The responsibility index over the periods on a cadre's profile (ECharts), with the bands'
   lower edges as dashed lines. The data comes from the page (#index-data), already
   translated. */
(function () {
  "use strict";

  function draw() {
    var element = document.getElementById("index-chart");
    var source = document.getElementById("index-data");
    if (!element || !source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(element);
    chart.setOption({
      color: ["#b22222"],
      tooltip: { trigger: "axis", confine: true },
      grid: { left: 44, right: 24, top: 16, bottom: 40 },
      xAxis: { type: "category", data: data.labels, boundaryGap: false },
      yAxis: { type: "value", scale: true },
      series: [{
        name: data.name, type: "line", data: data.values, symbolSize: 8,
        markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#999" },
                    data: data.edges.map(function (edge) { return { yAxis: edge }; }) }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", draw);
}());
