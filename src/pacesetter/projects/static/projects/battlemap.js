/* 挂图作战: every project of the portfolio on one Gantt chart (ECharts custom series).
   A bar runs from the project's start to its deadline in its health's color, the part done
   solid; each milestone is a diamond on its due date in its state's color; a dashed line marks
   today. With many projects the rows scroll (slider on the right, or the mouse wheel); the
   time axis zooms. Clicking a bar or a diamond opens the project. Data comes from the page as
   JSON (battlemap-data), every text already translated. */
(function () {
  "use strict";
  var VISIBLE = 25, ROW = 30;

  function day(text) {
    var p = text.split("-");
    return new Date(+p[0], +p[1] - 1, +p[2]).getTime();
  }

  function tooltip(data, params) {
    var row = data.rows[params.seriesIndex === 0 ? params.value[0] : params.value[1]];
    var t = data.texts, esc = echarts.format.encodeHTML;
    if (params.seriesIndex === 1) {
      var m = row.milestones[params.value[2]];
      return esc(row.label) + "<br><b>◆ " + esc(m.title) + "</b><br>" + t.due + ": " + m.due +
        "<br>" + t.state + ": <span style=\"color:" + m.color + "\">" + esc(m.state_label) +
        "</span> · " + m.percent + "%";
    }
    return "<b>" + esc(row.label) + "</b><br>" + t.lead + ": " + esc(row.lead || "—") +
      "<br>" + t.state + ": " + esc(row.state) + " · <span style=\"color:" + row.color + "\">" +
      esc(row.health_label) + "</span><br>" + t.start + ": " + row.start + " · " + t.deadline +
      ": " + row.end + "<br>" + t.complete + ": " + row.percent + "%" +
      (row.late ? "<br><span style=\"color:#d32f2f\">" + esc(t.late) + "</span>" : "");
  }

  function bar(data) {
    return function (params, api) {
      var index = api.value(0), row = data.rows[index];
      var start = api.coord([api.value(1), index]), end = api.coord([api.value(2), index]);
      var height = api.size([0, 1])[1] * 0.55;
      var box = { x: params.coordSys.x, y: params.coordSys.y,
                  width: params.coordSys.width, height: params.coordSys.height };
      var width = Math.max(end[0] - start[0], 3);
      var whole = echarts.graphic.clipRectByRect(
        { x: start[0], y: start[1] - height / 2, width: width, height: height }, box);
      if (!whole) { return null; }
      var done = echarts.graphic.clipRectByRect(
        { x: start[0], y: start[1] - height / 2, width: width * row.percent / 100,
          height: height }, box);
      var children = [{ type: "rect", shape: whole,
                        style: { fill: row.color, opacity: 0.35, stroke: row.color } }];
      if (done) { children.push({ type: "rect", shape: done, style: { fill: row.color } }); }
      return { type: "group", children: children };
    };
  }

  function option(data) {
    var rows = data.rows, t = data.texts;
    var bars = rows.map(function (row, i) { return [i, day(row.start), day(row.end), row.percent]; });
    var diamonds = [];
    rows.forEach(function (row, i) {
      row.milestones.forEach(function (m, j) {
        diamonds.push({ value: [day(m.due), i, j], itemStyle: { color: m.color } });
      });
    });
    var zoom = [{ type: "slider", xAxisIndex: 0, bottom: 6, height: 16, filterMode: "weakFilter" },
                { type: "inside", xAxisIndex: 0, filterMode: "weakFilter", zoomOnMouseWheel: "ctrl",
                  moveOnMouseWheel: false }];
    if (rows.length > VISIBLE) {
      zoom.push({ type: "slider", yAxisIndex: 0, right: 4, width: 14, startValue: 0,
                  endValue: VISIBLE - 1, zoomLock: true, filterMode: "weakFilter",
                  showDetail: false, brushSelect: false },
                { type: "inside", yAxisIndex: 0, zoomOnMouseWheel: false,
                  moveOnMouseWheel: true, filterMode: "weakFilter" });
    }
    var now = day(data.today);
    return {
      animation: false,
      tooltip: { trigger: "item", confine: true, formatter: function (p) { return tooltip(data, p); } },
      grid: { left: 8, right: rows.length > VISIBLE ? 30 : 16, top: 28, bottom: 46, containLabel: true },
      xAxis: { type: "time", min: day(data.from), max: day(data.to), position: "top",
               splitLine: { show: true, lineStyle: { color: "#eceef0" } },
               axisLabel: { hideOverlap: true } },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }),
               axisTick: { show: false },
               axisLabel: { width: 220, overflow: "truncate", color: "#1f2329" } },
      dataZoom: zoom,
      series: [
        { type: "custom", renderItem: bar(data), data: bars, encode: { x: [1, 2], y: 0 },
          cursor: "pointer" },
        { type: "scatter", symbol: "diamond", symbolSize: 13, data: diamonds, z: 5,
          itemStyle: { borderColor: "#fff", borderWidth: 1 }, cursor: "pointer",
          markLine: now >= day(data.from) && now <= day(data.to) ? {
            silent: true, symbol: "none", animation: false,
            lineStyle: { color: "#b22222", type: "dashed", width: 1.5 },
            label: { formatter: t.today, position: "start", color: "#b22222" },
            data: [{ xAxis: now }] } : undefined }
      ]
    };
  }

  function height(count) {
    return Math.max(220, Math.min(count, VISIBLE) * ROW + 90);
  }

  function start() {
    var element = document.getElementById("battle-map");
    var source = document.getElementById("battlemap-data");
    if (!element || !source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    element.style.height = height(data.rows.length) + "px";
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option(data));
    element.setAttribute("data-rendered", "1");
    // on a narrow screen the frame scrolls: bring today into view, a third from the left
    var frame = element.parentNode;
    if (frame.scrollWidth > frame.clientWidth) {
      var x = chart.convertToPixel({ xAxisIndex: 0 }, day(data.today));
      if (isFinite(x)) { frame.scrollLeft = Math.max(0, x - frame.clientWidth / 3); }
    }
    chart.on("click", function (params) {
      var index = params.seriesIndex === 0 ? params.value[0] : params.value[1];
      if (data.rows[index]) { window.location.href = data.rows[index].url; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    // printed: every row at once, on the width of the sheet
    window.addEventListener("beforeprint", function () {
      element.style.height = Math.max(220, data.rows.length * 22 + 90) + "px";
      chart.setOption({ dataZoom: [{ start: 0, end: 100 }] });
      if (data.rows.length > VISIBLE) {
        chart.dispatchAction({ type: "dataZoom", dataZoomIndex: 2, start: 0, end: 100 });
      }
      chart.resize({ width: 1500 });
    });
    window.addEventListener("afterprint", function () {
      element.style.height = height(data.rows.length) + "px";
      if (data.rows.length > VISIBLE) {
        chart.dispatchAction({ type: "dataZoom", dataZoomIndex: 2, startValue: 0,
                               endValue: VISIBLE - 1 });
      }
      chart.resize({ width: "auto" });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
