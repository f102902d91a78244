// The command dashboard and the hall screen: the epidemic curve, R_t, and the chosen figure on the map of the
// children (ECharts) — on their real boundaries, or as a treemap where they have none. A hall-screen panel
// swapped in by htmx is drawn again; text grows with the page's font size, so a 4K wall reads as a 1080p one.
(() => {
  const axisColour = { axisLine: { lineStyle: { color: "#4b6a9b" } }, splitLine: { lineStyle: { color: "#1a3a68" } } };
  const px = (el) => parseFloat(getComputedStyle(el).fontSize) || 14;
  const axis = (el) => ({ ...axisColour, axisLabel: { color: "#9fb3d1", fontSize: Math.round(px(el) * 0.8) } });
  const legend = (el, data) => ({ textStyle: { color: "#cbd5e1", fontSize: Math.round(px(el) * 0.85) }, ...(data ? { data } : {}) });
  const charts = [];
  const init = (el) => { const chart = echarts.init(el); charts.push(chart); return chart; };
  const go = (el, code) => { window.location = el.dataset.link.replace("__code__", code); };

  function curve(el) {
    const c = JSON.parse(el.dataset.curve);
    init(el).setOption({
      animation: false, tooltip: { trigger: "axis", renderMode: "richText" }, legend: legend(el),
      grid: { left: "3em", right: "1em", top: "2.2em", bottom: "1.8em" },
      xAxis: { type: "category", data: c.dates, ...axis(el) }, yAxis: { type: "value", minInterval: 1, ...axis(el) },
      series: [
        { name: el.dataset.onset, type: "bar", data: c.onset, itemStyle: { color: "#f97316" } },
        { name: el.dataset.report, type: "line", data: c.report, itemStyle: { color: "#38bdf8" } },
      ],
    });
  }

  function rt(el) {
    const r = JSON.parse(el.dataset.rt);
    const band = r.rt_high.map((high, i) => (high === null ? null : high - r.rt_low[i]));
    init(el).setOption({
      animation: false, tooltip: { trigger: "axis", renderMode: "richText" }, legend: legend(el, [el.dataset.label, el.dataset.band]),
      grid: { left: "3em", right: "1em", top: "2.2em", bottom: "1.8em" },
      xAxis: { type: "category", data: r.dates, ...axis(el) }, yAxis: { type: "value", min: 0, ...axis(el) },
      series: [
        { name: "low", type: "line", data: r.rt_low, stack: "band", symbol: "none", lineStyle: { opacity: 0 }, tooltip: { show: false } },
        { name: el.dataset.band, type: "line", data: band, stack: "band", symbol: "none", lineStyle: { opacity: 0 },
          itemStyle: { color: "rgba(250, 204, 21, 0.5)" }, areaStyle: { color: "rgba(250, 204, 21, 0.25)" } },
        { name: el.dataset.label, type: "line", data: r.rt, symbol: "none", itemStyle: { color: "#facc15" },
          markLine: { silent: true, symbol: "none", data: [{ yAxis: 1 }], lineStyle: { color: "#dc2626", type: "dashed" } } },
      ],
    });
  }

  function visualMap(el, values) {
    return { min: 0, max: Math.max(1, ...values), left: 10, bottom: 10, calculable: true,
             textStyle: { color: "#cbd5e1", fontSize: Math.round(px(el) * 0.8) }, inRange: { color: ["#0c4a6e", "#facc15", "#dc2626"] } };
  }

  function map(el) {
    const geo = JSON.parse(el.dataset.geo);
    if (!geo.features.length) return;
    echarts.registerMap("dash", geo);
    const data = geo.features.map((f) => ({ name: f.properties.name, value: f.properties.value ?? 0 }));
    const labels = Object.fromEntries(geo.features.map((f) => [f.properties.name, f.properties.label]));
    const chart = init(el);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: (p) => `${labels[p.name]}<br>${el.dataset.name}: ${p.value ?? 0}` },
      visualMap: visualMap(el, data.map((d) => d.value)),
      series: [{ type: "map", map: "dash", roam: true, data, itemStyle: { borderColor: "#0b1220" },
                 label: { show: true, color: "#e2e8f0", fontSize: Math.round(px(el) * 0.8), formatter: (p) => `${labels[p.name]}\n${p.value ?? 0}` } }],
    });
    chart.on("click", (p) => go(el, p.name));
  }

  function treemap(el) {
    const nodes = JSON.parse(el.dataset.tree);
    if (!nodes.length) return;
    // A treemap sizes by value: each unit gets at least a sliver so a zero is still there to open.
    const most = Math.max(1, ...nodes.map((n) => n.value));
    const shade = (v) => (v === 0 ? "#0c4a6e" : v < most / 2 ? "#b45309" : "#dc2626");
    const data = nodes.map((n) => ({ name: n.name, value: Math.max(n.value, most / 50), count: n.value, label: n.label,
                                     itemStyle: { color: shade(n.value) } }));
    const chart = init(el);
    chart.setOption({
      animation: false,
      tooltip: { formatter: (p) => `${p.data.label}<br>${el.dataset.name}: ${p.data.count}` },
      series: [{ type: "treemap", data, roam: false, nodeClick: false, breadcrumb: { show: false },
                 width: "100%", height: "100%", top: 0, left: 0,
                 label: { show: true, fontSize: Math.round(px(el) * 0.85), formatter: (p) => `${p.data.label}\n${p.data.count}` },
                 itemStyle: { borderColor: "#0b1220", borderWidth: 2 } }],
    });
    chart.on("click", (p) => go(el, p.data.name));
  }

  const kinds = [[".curve[data-curve]", curve], [".rt[data-rt]", rt], [".map[data-geo]", map], [".treemap[data-tree]", treemap]];
  function draw(root) {
    if (!window.echarts) return;
    for (const [selector, fn] of kinds) root.querySelectorAll(selector).forEach((el) => { if (!el.dataset.drawn) { el.dataset.drawn = "1"; fn(el); } });
  }
  document.addEventListener("DOMContentLoaded", () => draw(document));
  document.addEventListener("htmx:afterSwap", () => {
    for (let i = charts.length - 1; i >= 0; i--) if (!charts[i].getDom().isConnected) { charts[i].dispose(); charts.splice(i, 1); }
    draw(document);
  });
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();

// The forecast page: beds in the current and the worst case against the beds available.
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("forecast");
  if (!el || !window.echarts || !el.dataset.forecast) return;
  const f = JSON.parse(el.dataset.forecast);
  const axis = { axisLine: { lineStyle: { color: "#4b6a9b" } }, axisLabel: { color: "#9fb3d1" }, splitLine: { lineStyle: { color: "#1a3a68" } } };
  const series = [
    { name: el.dataset.current, type: "line", data: f.current.census, symbol: "none", itemStyle: { color: "#38bdf8" } },
    { name: el.dataset.worst, type: "line", data: f.worst.census, symbol: "none", itemStyle: { color: "#f43f5e" }, lineStyle: { type: "dashed" } },
  ];
  if (f.beds !== null) series.push({ name: el.dataset.beds, type: "line", data: f.dates.map(() => f.beds), symbol: "none", itemStyle: { color: "#facc15" } });
  const chart = echarts.init(el);
  chart.setOption({ tooltip: { trigger: "axis", renderMode: "richText" }, legend: { textStyle: { color: "#cbd5e1" } }, grid: { left: 56, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: f.dates, ...axis }, yAxis: { type: "value", ...axis }, series });
  window.addEventListener("resize", () => chart.resize());
});
