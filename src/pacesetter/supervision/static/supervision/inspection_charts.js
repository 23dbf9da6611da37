/* The inspection's dashboard (ECharts): findings by category (bars), by severity and the
   rectifications' traffic lights (rings). Data comes from the page as JSON, labels translated. */
(function () {
  "use strict";
  var RED = "#b22222";

  function draw(element, option) {
    var chart = echarts.init(element);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function bars(element, data) {
    draw(element, {
      color: [RED], tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.names, inverse: true },
      series: [{ name: data.label, type: "bar", barMaxWidth: 28, data: data.counts, label: { show: true, position: "right" } }]
    });
  }

  function ring(element, data) {
    draw(element, {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"], data: data,
                 label: { formatter: "{b} {c}" } }]
    });
  }

  function start() {
    var source = document.getElementById("inspection-charts");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var kind = element.getAttribute("data-chart");
      if (kind === "categories") bars(element, data.categories);
      else if (kind === "severities") ring(element, data.severities);
      else if (kind === "lights") ring(element, data.lights);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
