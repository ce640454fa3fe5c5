/* Region dashboard charts (Apache ECharts, our own static copy). The numbers come from the
   page's own JSON (json_script), the same numbers as the tables beside the charts; no inline
   script. Without JavaScript the charts stay hidden and the tables say everything.

   A hidden small cell ("<5") arrives as null: a trend leaves a gap, the comparison draws a pale
   bar up to 5 labelled "<5", so the chart shows no more than the table. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var COLOURS = ["#0b5394", "#c05621", "#1d6b33", "#6b3fa0", "#a61b1b"];
  var SMALL = 5;
  var charts = [];

  function base() {
    return {
      color: COLOURS,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      animation: false
    };
  }

  function draw(element, option) {
    element.hidden = false;
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }

  function trend(element, section) {
    // A share (0-100 %) gets an axis of its own on the right, beside counts and hours.
    var shares = section.series.some(function (s) { return s.share; });
    var axes = [{ type: "value", minInterval: 1 }];
    if (shares) axes.push({ type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" },
                            splitLine: { show: false } });
    draw(element, Object.assign(base(), {
      legend: { top: 0, type: "scroll" },
      xAxis: { type: "category", data: section.months, axisLabel: { hideOverlap: true } },
      yAxis: axes,
      series: section.series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 6,
                 yAxisIndex: s.share ? 1 : 0 };
      })
    }));
  }

  function comparison(element, table) {
    if (!table.rows.length || !table.columns.length) return;
    var picker = document.createElement("div");
    picker.className = "dash-chart-select";
    var label = document.createElement("label");
    label.textContent = element.getAttribute("data-label");
    var select = document.createElement("select");
    select.id = "compare-figure";
    label.htmlFor = select.id;
    table.columns.forEach(function (column) {
      var option = document.createElement("option");
      option.value = column.key;
      option.textContent = column.label;
      select.appendChild(option);
    });
    var wanted = element.getAttribute("data-sort");
    if (table.columns.some(function (c) { return c.key === wanted; })) select.value = wanted;
    picker.appendChild(label);
    picker.appendChild(select);
    element.parentNode.insertBefore(picker, element);
    var chart = draw(element, base());

    function show() {
      var key = select.value;
      var name = select.options[select.selectedIndex].textContent;
      chart.setOption({
        tooltip: { trigger: "axis", formatter: function (items) {
          var item = items[0];
          return item.name + "<br>" + name + ": " + (item.data.hidden ? "<5" : item.data.value);
        } },
        xAxis: { type: "category", data: table.rows.map(function (r) { return r.name; }),
                 axisLabel: { interval: 0, rotate: table.rows.length > 6 ? 40 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{
          name: name, type: "bar", barMaxWidth: 48,
          data: table.rows.map(function (r) {
            var value = r.values[key];
            if (r.hidden.indexOf(key) !== -1) {
              return { value: SMALL, hidden: true, itemStyle: { color: "#c9d3df" },
                       label: { show: true, position: "top", formatter: "<5" } };
            }
            return { value: value };
          })
        }]
      }, { replaceMerge: ["series"] });
    }
    select.addEventListener("change", show);
    show();
  }

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var id = element.getAttribute("data-chart");
    if (id === "comparison") {
      comparison(element, data.comparison);
      return;
    }
    var section = data.sections.filter(function (s) { return s.id === id; })[0];
    if (section && section.series.length) trend(element, section);
  });

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
  });
})();
