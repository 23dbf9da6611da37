/* The scorecard's charts (ECharts): points per indicator against the ranking group (radar)
   and the total and rank in group over the periods of the plan's series (line). The data
   comes from the page as JSON (#scorecard-data); every label in it is already translated. */
(function () {
  "use strict";

  var NARROW = 520;
  var COLORS = ["#b22222", "#1a56b0", "#2e7d32"];

  function shorten(text, length) {
    return text.length > length ? text.slice(0, length - 1) + "…" : text;
  }

  function radarOption(data, narrow) {
    return {
      color: COLORS,
      tooltip: { trigger: "item", confine: true },
      legend: { bottom: 0, data: data.series.map(function (s) { return s.name; }) },
      radar: {
        radius: narrow ? "55%" : "65%",
        center: ["50%", "47%"],
        indicator: data.indicators.map(function (i) {
          return { name: narrow ? i.code : shorten(i.name, 8), max: i.max };
        }),
        axisName: { color: "#646a73", fontSize: narrow ? 10 : 12 }
      },
      series: [{
        type: "radar",
        symbolSize: 4,
        data: data.series.map(function (s, index) {
          return { name: s.name, value: s.values,
                   areaStyle: index === 0 ? { opacity: 0.15 } : undefined };
        })
      }]
    };
  }

  function trendOption(data, narrow) {
    var worst = Math.max.apply(null, data.group_rank.concat([1]));
    return {
      color: COLORS,
      tooltip: { trigger: "axis", confine: true },
      legend: { bottom: 0, data: [data.total_name, data.rank_name] },
      grid: { left: 44, right: 36, top: 16, bottom: narrow ? 64 : 48 },
      xAxis: { type: "category", data: data.labels, boundaryGap: false,
               axisLabel: { rotate: narrow && data.labels.length > 3 ? 30 : 0 } },
      yAxis: [
        { type: "value", scale: true },
        { type: "value", inverse: true, min: 1, max: worst, minInterval: 1,
          splitLine: { show: false } }
      ],
      series: [
        { name: data.total_name, type: "line", data: data.total, symbolSize: 7 },
        { name: data.rank_name, type: "line", yAxisIndex: 1, data: data.group_rank,
          symbolSize: 7, lineStyle: { type: "dashed" } }
      ]
    };
  }

  function mount(element, build, data) {
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    var narrow = element.clientWidth < NARROW;
    chart.on("finished", function () { element.setAttribute("data-rendered", "1"); });
    chart.setOption(build(data, narrow));
    return function resize() {
      var nowNarrow = element.clientWidth < NARROW;
      chart.resize();
      if (nowNarrow !== narrow) {
        narrow = nowNarrow;
        chart.setOption(build(data, narrow), true);
      }
    };
  }

  function start() {
    var source = document.getElementById("scorecard-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var builders = { radar: [radarOption, data.radar], trend: [trendOption, data.trend] };
    var resizers = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var entry = builders[element.getAttribute("data-chart")];
      if (entry) { resizers.push(mount(element, entry[0], entry[1])); }
    });
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        resizers.forEach(function (resize) { resize(); });
      }, 100);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
