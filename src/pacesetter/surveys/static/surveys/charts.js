/* The surveys' charts (ECharts): responses per hour while a campaign runs; on the results,
   each ranking group's units with their 95% intervals (bottom-N in black), and the heatmap of
   units × aspects. Data comes from the page as JSON; every label is already translated. */
(function () {
  "use strict";
  var RED = "#b22222", BLACK = "#212121", GRAY = "#9e9e9e";

  function draw(element, option) {
    var chart = echarts.init(element);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function hours(element, data) {
    draw(element, {
      color: [RED], tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: data.hours },
      yAxis: { type: "value", minInterval: 1 },
      dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 4 }],
      series: [{ name: data.name, type: "bar", data: data.counts }]
    });
  }

  function ranking(element, group) {
    element.style.height = Math.max(240, group.units.length * 22 + 60) + "px";
    var intervals = group.units.map(function (_u, i) { return [i, group.low[i], group.high[i]]; });
    draw(element, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 90, right: 24, top: 10, bottom: 30 },
      xAxis: { type: "value", scale: true },
      yAxis: { type: "category", data: group.units },
      series: [
        { type: "bar", barWidth: "55%", data: group.index.map(function (v, i) {
            return { value: v, itemStyle: { color: group.bottom[i] ? BLACK : RED } }; }) },
        { type: "custom", data: intervals, z: 10, tooltip: { show: false },
          renderItem: function (params, api) {
            var low = api.coord([api.value(1), api.value(0)]);
            var high = api.coord([api.value(2), api.value(0)]);
            var h = api.size([0, 1])[1] * 0.3;
            var style = { stroke: GRAY, lineWidth: 1.5 };
            return { type: "group", children: [
              { type: "line", shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style: style },
              { type: "line", shape: { x1: low[0], y1: low[1] - h, x2: low[0], y2: low[1] + h }, style: style },
              { type: "line", shape: { x1: high[0], y1: high[1] - h, x2: high[0], y2: high[1] + h }, style: style }
            ] };
          } }
      ]
    });
  }

  function heatmap(element, data) {
    var values = data.values.map(function (v) { return v[2]; });
    draw(element, {
      tooltip: { position: "top" },
      grid: { left: 90, right: 16, top: 40, bottom: 60 },
      xAxis: { type: "category", data: data.aspects, position: "top" },
      yAxis: { type: "category", data: data.units, inverse: true },
      visualMap: { min: Math.floor(Math.min.apply(null, values.concat([100]))),
                   max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                   inRange: { color: [BLACK, "#f4a582", "#fddbc7", "#ffffff"] } },
      series: [{ type: "heatmap", data: data.values, label: { show: true, fontSize: 10,
        formatter: function (p) { return p.value[2].toFixed(1); } } }]
    });
  }

  function start() {
    var hoursData = document.getElementById("hours-data");
    if (hoursData) { hours(document.getElementById("hours-chart"), JSON.parse(hoursData.textContent)); }
    var resultsData = document.getElementById("results-data");
    if (!resultsData) { return; }
    var data = JSON.parse(resultsData.textContent);
    document.querySelectorAll("[data-chart=ranking]").forEach(function (element) {
      var group = data.ranking.filter(function (g) { return g.group === element.dataset.group; })[0];
      if (group) { ranking(element, group); }
    });
    var heat = document.getElementById("heatmap-chart");
    if (heat && data.heatmap.units.length) { heatmap(heat, data.heatmap); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
}());
