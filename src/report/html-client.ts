// The script inside report.html: draws every chart spec with uPlot (inlined), fault bands under the lines,
// phase marks, and records what it drew on each chart element (data-bands, data-drawn) for checks.
export const CHART_CLIENT_JS = String.raw`
(function () {
  var specs = JSON.parse(document.getElementById('report-data').textContent).charts;
  var dpr = window.devicePixelRatio || 1;
  function pctLabel(x) {
    if (x <= 1.0001) return '0%';
    var digits = Math.max(0, Math.round(Math.log10(x)) - 2);
    return ((1 - 1 / x) * 100).toFixed(digits) + '%';
  }
  function num(v) {
    if (v == null) return '—';
    var a = Math.abs(v);
    return a >= 1000 ? Math.round(v).toLocaleString('en-US') : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(2);
  }
  function tick(v) {
    if (v == null) return ''; // unlabelled minor ticks of a log axis
    return Number.isInteger(v) ? v.toLocaleString('en-US') : num(v);
  }
  function overlay(spec, el) {
    function clip(u, x) { return Math.min(Math.max(x, u.bbox.left), u.bbox.left + u.bbox.width); }
    return { hooks: {
      drawClear: [function (u) {
        var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height, rects = [];
        ctx.save();
        spec.bands.forEach(function (b) {
          var x0 = clip(u, u.valToPos(b.fromS, 'x', true)), x1 = clip(u, u.valToPos(b.toS, 'x', true));
          if (x1 - x0 < 3 * dpr) x1 = x0 + 3 * dpr;
          ctx.fillStyle = 'rgba(220, 38, 38, 0.13)';
          ctx.fillRect(x0, top, x1 - x0, h);
          b.outages.forEach(function (o) {
            var o0 = clip(u, u.valToPos(o.fromS, 'x', true)), o1 = clip(u, u.valToPos(o.toS, 'x', true));
            ctx.fillStyle = 'rgba(220, 38, 38, 0.20)';
            ctx.fillRect(o0, top, Math.max(o1 - o0, 2 * dpr), h);
          });
          rects.push([x0 / dpr, x1 / dpr]);
        });
        ctx.restore();
        el.dataset.bands = String(rects.length);
        el.dataset.bandRects = JSON.stringify(rects);
      }],
      draw: [function (u) {
        var ctx = u.ctx, top = u.bbox.top, bottom = top + u.bbox.height;
        ctx.save();
        ctx.font = (11 * dpr) + 'px system-ui, sans-serif';
        ctx.textAlign = 'left';
        ctx.textBaseline = 'alphabetic';
        spec.phases.forEach(function (p, i) {
          if (i === 0 && p.atS <= (u.scales.x.min || 0)) return;
          var x = u.valToPos(p.atS, 'x', true);
          ctx.strokeStyle = 'rgba(75, 85, 99, 0.55)';
          ctx.setLineDash([4 * dpr, 4 * dpr]);
          ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.stroke();
        });
        ctx.setLineDash([]);
        spec.phases.forEach(function (p, i) {
          var x = Math.max(u.valToPos(p.atS, 'x', true), u.bbox.left) + 4 * dpr;
          var next = spec.phases[i + 1];
          var room = (next ? u.valToPos(next.atS, 'x', true) : u.bbox.left + u.bbox.width) - x - 6 * dpr;
          var name = p.name;
          // a phase name must not run into the next phase's label: shorten it to the room it has
          while (name.length > 1 && ctx.measureText(name).width > room) name = name.slice(0, -2) + '…';
          ctx.fillStyle = '#4b5563';
          if (ctx.measureText(name).width <= room) ctx.fillText(name, x, bottom - 5 * dpr);
        });
        spec.bands.forEach(function (b, i) {
          var x0 = clip(u, u.valToPos(b.fromS, 'x', true)), y = top + (14 + i * 16) * dpr;
          var w = ctx.measureText(b.label).width;
          // keep the label inside the plot: flip it to the left of the band start near the right edge
          var tx = x0 + 4 * dpr + w > u.bbox.left + u.bbox.width ? Math.max(u.bbox.left, x0 - w - 4 * dpr) : x0 + 4 * dpr;
          ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
          ctx.fillRect(tx - 2 * dpr, y - 11 * dpr, w + 4 * dpr, 15 * dpr);
          ctx.fillStyle = '#b91c1c';
          ctx.fillText(b.label, tx, y);
        });
        ctx.restore();
        el.dataset.drawn = 'true';
      }],
    } };
  }
  function draw(spec) {
    var el = document.getElementById(spec.id);
    var pct = spec.kind === 'percentile';
    var width = Math.max(320, el.clientWidth || 900);
    var opts = {
      title: spec.title, width: width, height: pct ? 320 : 240,
      scales: { x: pct ? { time: false, distr: 3 } : { time: false, range: spec.xRange ? function () { return spec.xRange; } : undefined }, y: spec.logY ? { distr: 3 } : { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } } },
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [{ label: pct ? 'percentile' : 'elapsed', value: function (u, v) { return v == null ? '—' : pct ? pctLabel(v) : v.toFixed(1) + ' s'; } }].concat(spec.series.map(function (s) {
        return { label: s.label, stroke: s.color, width: 1.6, dash: s.dash ? [6, 4] : undefined, spanGaps: !!s.spanGaps, points: { show: pct ? false : undefined, size: 3 },
          value: function (u, v) { return v == null ? '—' : num(v) + (spec.unit ? ' ' + spec.unit : ''); } };
      })),
      axes: [
        pct ? { label: 'percentile', splits: function (u) { return [1, 10, 100, 1e3, 1e4, 1e5, 1e6].filter(function (v) { return v >= u.scales.x.min && v <= u.scales.x.max * 1.0001; }); }, values: function (u, vals) { return vals.map(pctLabel); } }
            : { label: 'seconds since load start', values: function (u, vals) { return vals.map(function (v) { return v + 's'; }); } },
        { label: spec.unit, size: 60, values: function (u, vals) { return vals.map(tick); } },
      ],
      plugins: [overlay(spec, el)],
    };
    el.textContent = '';
    return new uPlot(opts, [spec.x].concat(spec.series.map(function (s) { return s.values; })), el);
  }
  var plots = [];
  specs.forEach(function (spec) {
    try { plots.push(draw(spec)); }
    catch (e) { console.error('chart ' + spec.id + ' failed: ' + e); document.getElementById(spec.id).textContent = 'chart failed: ' + e; }
  });
  window.addEventListener('resize', function () {
    plots.forEach(function (p) { var w = p.root.parentElement.clientWidth; if (w > 0) p.setSize({ width: w, height: p.height }); });
  });
  document.body.dataset.chartsReady = String(plots.length);
})();
`;
