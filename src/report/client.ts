/**
 * The report page's own script: it reads the embedded JSON (<script type="application/json"
 * id="gradlab-data">) and draws every chart with the inlined ECharts. Kept as plain ES2017 text
 * (no backticks, no template placeholders) so it can live in this string and run in any
 * browser from file://; test/report-browser.test.ts runs it in headless Chromium.
 *
 * Every chart gets a toolbox with PNG export (ECharts' saveAsImage on the canvas) and SVG export
 * (the same option rendered by a server-side-rendering SVG instance), and `aria` text.
 * `window.gradlabReport` exposes the charts and the SVG export for tests and curious readers.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('gradlab-data').textContent);
  var L = D.labels;
  var PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8C6D31', '#444444'];
  var SVG_ICON = 'path://M4 4h16v16H4z M8 15l3-4 3 3 2-2 2 3';
  var entries = [];

  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return String(v);
    var a = Math.abs(v);
    if (a === 0) return '0';
    if (a >= 0.01 && a < 1e4) return String(Number(v.toPrecision(3)));
    return v.toExponential(1);
  }
  function color(i) { return PALETTE[i % PALETTE.length]; }

  function download(blob, name) {
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  function toSVG(entry) {
    var inst = echarts.init(null, null, { renderer: 'svg', ssr: true, width: entry.chart.getWidth(), height: entry.chart.getHeight() });
    var opt = Object.assign({}, entry.option, { animation: false, backgroundColor: '#fff' });
    inst.setOption(opt);
    var svg = inst.renderToSVGString();
    inst.dispose();
    return svg;
  }

  function toolbox(entry) {
    return {
      right: 4, top: 0, itemSize: 14,
      feature: {
        saveAsImage: { type: 'png', name: entry.name, title: L.savePng, pixelRatio: 2, backgroundColor: '#fff' },
        mySvg: {
          show: true, title: L.saveSvg, icon: SVG_ICON,
          onclick: function () { download(new Blob([toSVG(entry)], { type: 'image/svg+xml' }), entry.name + '.svg'); }
        }
      }
    };
  }

  function make(el, name, build) {
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    var entry = { id: el.id, name: name, chart: chart, option: null, build: build };
    entry.set = function (arg) {
      var opt = build(arg);
      opt.toolbox = toolbox(entry);
      opt.animation = false;
      opt.textStyle = { fontFamily: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif' };
      entry.option = opt;
      chart.setOption(opt, true);
    };
    entries.push(entry);
    return entry;
  }

  function aria(text) { return { enabled: true, label: { description: text } }; }

  // ---------- the lecture's figure: one histogram per layer, one chart per run ----------
  var stepUnion = [];
  D.runs.forEach(function (r) { r.hist.steps.forEach(function (s) { if (stepUnion.indexOf(s) < 0) stepUnion.push(s); }); });
  stepUnion.sort(function (a, b) { return a - b; });

  // One x range per layer name over every run and step, so the figure shows the spread shrink or grow.
  var ranges = {};
  D.runs.forEach(function (r) {
    r.hist.bins.forEach(function (row) {
      row.forEach(function (b, j) {
        if (!b) return;
        var n = r.hist.layers[j];
        var k = r.hist.kinds[j];
        var g = ranges[n] || (ranges[n] = k === 'tanh' ? [-1, 1] : k === 'sigmoid' ? [0, 1] : [Infinity, -Infinity]);
        g[0] = Math.min(g[0], b[0]); g[1] = Math.max(g[1], b[1]);
      });
    });
  });

  function histAt(r, step) {
    var idx = 0;
    for (var i = 0; i < r.hist.steps.length; i++) if (r.hist.steps[i] <= step) idx = i;
    return idx;
  }

  function histOption(ri, step) {
    var r = D.runs[ri];
    var idx = histAt(r, step);
    var row = r.hist.bins[idx] || [];
    var n = r.hist.layers.length;
    var cols = Math.min(n, 6);
    var rows = Math.ceil(n / cols);
    var grid = [], xAxis = [], yAxis = [], series = [], titles = [];
    for (var j = 0; j < n; j++) {
      var c = j % cols, rr = Math.floor(j / cols);
      var left = 3 + c * (94 / cols), width = 94 / cols - 3.5;
      var top = 34 + rr * 170;
      grid.push({ left: left + '%', width: width + '%', top: top + 22, height: 110 });
      titles.push({ text: L.layer + ' ' + r.hist.layers[j] + ' (' + r.hist.kinds[j] + ')', left: (left + width / 2) + '%', top: top, textAlign: 'center', textStyle: { fontSize: 11, fontWeight: 'normal' } });
      var range = ranges[r.hist.layers[j]] || [-1, 1];
      xAxis.push({ gridIndex: j, type: 'value', min: range[0], max: range[1], splitNumber: 2, axisLabel: { fontSize: 9, formatter: fmt }, splitLine: { show: false } });
      yAxis.push({ gridIndex: j, type: 'value', splitNumber: 2, axisLabel: { fontSize: 9, formatter: function (v) { return fmt(v * 100) + '%'; } } });
      var b = row[j];
      var data = [];
      if (b) {
        var lo = b[0], hi = b[1], k = b.length - 2, w = (hi - lo) / k;
        for (var q = 0; q < k; q++) data.push([lo + q * w, lo + (q + 1) * w, b[q + 2]]);
      }
      series.push({
        type: 'custom', name: r.hist.layers[j], xAxisIndex: j, yAxisIndex: j, data: data,
        encode: { x: [0, 1], y: 2 },
        itemStyle: { color: color(ri) },
        renderItem: function (params, api) {
          var p0 = api.coord([api.value(0), api.value(2)]);
          var p1 = api.coord([api.value(1), 0]);
          return { type: 'rect', shape: { x: p0[0], y: p0[1], width: Math.max(0.5, p1[0] - p0[0]), height: p1[1] - p0[1] }, style: api.style() };
        }
      });
    }
    titles.unshift({ text: r.label + ' — ' + L.atStep + ' ' + r.hist.steps[idx], left: 0, top: 0, textStyle: { fontSize: 13 } });
    return {
      title: titles, grid: grid, xAxis: xAxis, yAxis: yAxis, series: series,
      tooltip: { trigger: 'item', formatter: function (p) { return p.seriesName + ': [' + fmt(p.value[0]) + ', ' + fmt(p.value[1]) + ') ' + fmt(p.value[2] * 100) + '%'; } },
      aria: aria(L.figure + ' — ' + r.label + ', ' + L.atStep + ' ' + r.hist.steps[idx] + ': ' + r.hist.layers.map(function (name, j) {
        var s = r.hist.stds[idx] ? r.hist.stds[idx][j] : null;
        return L.layer + ' ' + name + (s === null || s === undefined ? '' : ' std ' + fmt(s));
      }).join('; '))
    };
  }

  var histEntries = [];
  document.querySelectorAll('[data-chart="hist"]').forEach(function (el) {
    var ri = Number(el.getAttribute('data-run'));
    var e = make(el, 'histograms-' + D.runs[ri].slug, function (step) { return histOption(ri, step); });
    histEntries.push(e);
  });
  var slider = document.getElementById('hist-step');
  var sliderOut = document.getElementById('hist-step-value');
  function showStep(i) {
    var step = stepUnion[i];
    if (sliderOut) sliderOut.textContent = String(step);
    histEntries.forEach(function (e) { e.set(step); });
  }
  if (slider) {
    slider.max = String(Math.max(0, stepUnion.length - 1));
    slider.addEventListener('input', function () { showStep(Number(slider.value)); });
  }
  if (histEntries.length > 0) showStep(0);

  // ---------- gradient norm per layer and step: a heatmap per run, one shared log scale ----------
  var hmin = Infinity, hmax = -Infinity;
  D.runs.forEach(function (r) { r.heat.log10.forEach(function (row) { row.forEach(function (v) { if (v !== null) { hmin = Math.min(hmin, v); hmax = Math.max(hmax, v); } }); }); });
  if (hmin === hmax) { hmin -= 0.5; hmax += 0.5; }
  document.querySelectorAll('[data-chart="heat"]').forEach(function (el) {
    var ri = Number(el.getAttribute('data-run'));
    var r = D.runs[ri];
    make(el, 'grad-heatmap-' + r.slug, function () {
      var data = [];
      r.heat.log10.forEach(function (row, y) { row.forEach(function (v, x) { if (v !== null) data.push([x, y, v]); }); });
      var first = r.heat.log10.map(function (row) { return row[0]; });
      return {
        title: { text: r.label, left: 0, top: 0, textStyle: { fontSize: 13 } },
        grid: { left: 70, right: 110, top: 34, bottom: 40 },
        xAxis: { type: 'category', name: L.step, nameLocation: 'middle', nameGap: 26, data: r.heat.steps.map(String), splitArea: { show: true } },
        yAxis: { type: 'category', name: L.layer, inverse: true, data: r.heat.layers, axisLabel: { interval: 0 }, splitArea: { show: true } },
        visualMap: {
          type: 'continuous', min: hmin, max: hmax, calculable: true, orient: 'vertical', right: 40, top: 40, itemHeight: 120,
          formatter: function (v) { return fmt(Math.pow(10, v)); },
          inRange: { color: ['#30123b', '#4662d7', '#36aaf9', '#1ae4b6', '#72fe5e', '#c8ef34', '#faba39', '#f66b19', '#ca2a04'] }
        },
        tooltip: { formatter: function (p) { return L.layer + ' ' + r.heat.layers[p.value[1]] + ', ' + L.step + ' ' + r.heat.steps[p.value[0]] + ': ' + fmt(Math.pow(10, p.value[2])); } },
        series: [{ type: 'heatmap', name: L.gradNorm, data: data, progressive: 0 }],
        aria: aria(L.heatmap + ' — ' + r.label + ', ' + L.step + ' ' + r.heat.steps[0] + ': ' + r.heat.layers.map(function (n, j) { return n + ' ' + (first[j] === null ? '—' : fmt(Math.pow(10, first[j]))); }).join(', '))
      };
    }).set();
  });

  // ---------- curves ----------
  function lineSeries(name, steps, values, col, dashed, yAxisIndex) {
    var data = [];
    for (var i = 0; i < steps.length; i++) if (values[i] !== null) data.push([steps[i], values[i]]);
    return { type: 'line', name: name, data: data, showSymbol: data.length < 40, symbolSize: 4, yAxisIndex: yAxisIndex || 0,
      lineStyle: { color: col, type: dashed ? 'dashed' : 'solid', width: 1.6 }, itemStyle: { color: col }, connectNulls: false };
  }
  function logWanted(series) {
    var lo = Infinity, hi = 0;
    series.forEach(function (s) { s.data.forEach(function (d) { if (d[1] > 0) { lo = Math.min(lo, d[1]); hi = Math.max(hi, d[1]); } else if (d[1] <= 0) lo = -1; }); });
    return lo > 0 && hi / lo > 50;
  }
  function curveChart(id, name, title, keys, yName, pct) {
    var el = document.getElementById(id);
    if (!el) return;
    make(el, name, function () {
      var series = [];
      D.runs.forEach(function (r, ri) {
        keys.forEach(function (k, ki) {
          var v = r.curves.series[k];
          if (v) series.push(lineSeries(r.label + ' · ' + L[k], r.curves.step, v, color(ri), ki > 0));
        });
      });
      var log = !pct && logWanted(series);
      return {
        title: { text: title, left: 0, top: 0, textStyle: { fontSize: 13 } },
        legend: { type: 'scroll', top: 24, left: 0, right: 60 },
        grid: { left: 64, right: 24, top: 64, bottom: 56 },
        tooltip: { trigger: 'axis', valueFormatter: function (v) { return pct ? fmt(v * 100) + '%' : fmt(v); } },
        dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 6 }],
        xAxis: { type: 'value', name: L.step, nameLocation: 'middle', nameGap: 24, minInterval: 1 },
        yAxis: { type: log ? 'log' : 'value', name: yName, scale: !pct, min: pct ? 0 : undefined, max: pct ? 1 : undefined,
          axisLabel: { formatter: function (v) { return pct ? fmt(v * 100) + '%' : fmt(v); } } },
        series: series,
        aria: aria(title + ': ' + series.map(function (s) { var d = s.data[s.data.length - 1]; return s.name + (d ? ' ' + L.last + ' ' + fmt(d[1]) : ''); }).join('; '))
      };
    }).set();
  }
  curveChart('chart-loss', 'loss', L.loss, ['loss', 'testLoss'], L.loss, false);
  curveChart('chart-accuracy', 'accuracy', L.accuracy, ['accuracy', 'testAccuracy'], L.accuracy, true);

  var clipEl = document.getElementById('chart-clip');
  if (clipEl) make(clipEl, 'grad-norm-clipping', function () {
    var series = [];
    D.runs.forEach(function (r, ri) {
      series.push(lineSeries(r.label + ' · ' + L.before, r.clip.step, r.clip.before, color(ri), false));
      series.push(lineSeries(r.label + ' · ' + L.after, r.clip.step, r.clip.after, color(ri), true));
    });
    series = series.filter(function (s) { return s.data.length > 0; });
    return {
      title: { text: L.clipping, left: 0, top: 0, textStyle: { fontSize: 13 } },
      legend: { type: 'scroll', top: 24, left: 0, right: 60 },
      grid: { left: 64, right: 24, top: 64, bottom: 56 },
      tooltip: { trigger: 'axis', valueFormatter: fmt },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 6 }],
      xAxis: { type: 'value', name: L.step, nameLocation: 'middle', nameGap: 24, minInterval: 1 },
      yAxis: { type: logWanted(series) ? 'log' : 'value', name: L.norm, scale: true, axisLabel: { formatter: fmt } },
      series: series,
      aria: aria(L.clipping + ': ' + series.map(function (s) { var d = s.data[s.data.length - 1]; return s.name + (d ? ' ' + fmt(d[1]) : ''); }).join('; '))
    };
  }).set();

  function resizeAll() { entries.forEach(function (e) { e.chart.resize(); }); }
  window.addEventListener('resize', resizeAll);
  window.addEventListener('beforeprint', resizeAll);
  document.documentElement.classList.add('js');

  window.gradlabReport = {
    charts: entries,
    toSVG: function (i) { return toSVG(entries[i]); },
    options: function () { return entries.map(function (e) { return { id: e.id, option: e.chart.getOption() }; }); }
  };
})();
`;
