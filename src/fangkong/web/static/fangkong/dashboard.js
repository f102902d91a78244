// The command dashboard: an epidemic curve and a choropleth of the chosen figure (ECharts).
document.addEventListener("DOMContentLoaded", () => {
  if (!window.echarts) return;
  const axis = { axisLine: { lineStyle: { color: "#4b6a9b" } }, axisLabel: { color: "#9fb3d1" }, splitLine: { lineStyle: { color: "#1a3a68" } } };
  const curveEl = document.getElementById("curve");
  if (curveEl) {
    const curve = JSON.parse(curveEl.dataset.curve);
    const chart = echarts.init(curveEl);
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" }, legend: { textStyle: { color: "#cbd5e1" } },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: curve.dates, ...axis }, yAxis: { type: "value", minInterval: 1, ...axis },
      series: [
        { name: curveEl.dataset.onset, type: "bar", data: curve.onset, itemStyle: { color: "#f97316" } },
        { name: curveEl.dataset.report, type: "line", data: curve.report, itemStyle: { color: "#38bdf8" } },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }
  const rtEl = document.getElementById("rt");
  if (rtEl) {
    const rt = JSON.parse(rtEl.dataset.rt);
    const chart = echarts.init(rtEl);
    const band = rt.rt_high.map((high, i) => (high === null ? null : high - rt.rt_low[i]));
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" }, legend: { textStyle: { color: "#cbd5e1" }, data: [rtEl.dataset.label, rtEl.dataset.band] },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: rt.dates, ...axis }, yAxis: { type: "value", min: 0, ...axis },
      series: [
        { name: "low", type: "line", data: rt.rt_low, stack: "band", symbol: "none", lineStyle: { opacity: 0 }, tooltip: { show: false } },
        { name: rtEl.dataset.band, type: "line", data: band, stack: "band", symbol: "none", lineStyle: { opacity: 0 },
          itemStyle: { color: "rgba(250, 204, 21, 0.5)" }, areaStyle: { color: "rgba(250, 204, 21, 0.25)" } },
        { name: rtEl.dataset.label, type: "line", data: rt.rt, symbol: "none", itemStyle: { color: "#facc15" },
          markLine: { silent: true, symbol: "none", data: [{ yAxis: 1 }], lineStyle: { color: "#dc2626", type: "dashed" } } },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }
  const mapEl = document.getElementById("map");
  if (mapEl && mapEl.dataset.geo) {
    const geo = JSON.parse(mapEl.dataset.geo);
    if (!geo.features.length) return;
    echarts.registerMap("dash", geo);
    const data = geo.features.map((f) => ({ name: f.properties.name, value: f.properties.value ?? 0 }));
    const labels = Object.fromEntries(geo.features.map((f) => [f.properties.name, f.properties.label]));
    const chart = echarts.init(mapEl);
    chart.setOption({
      tooltip: { trigger: "item", formatter: (p) => `${labels[p.name]}<br>${mapEl.dataset.name}: ${p.value ?? 0}` },
      visualMap: { min: 0, max: Math.max(1, ...data.map((d) => d.value)), left: 10, bottom: 10, calculable: true,
                   textStyle: { color: "#cbd5e1" }, inRange: { color: ["#0c4a6e", "#facc15", "#dc2626"] } },
      series: [{ type: "map", map: "dash", roam: true, data, label: { show: true, color: "#e2e8f0", fontSize: 11,
                 formatter: (p) => labels[p.name] }, itemStyle: { borderColor: "#0b1220" } }],
    });
    chart.on("click", (p) => { window.location = mapEl.dataset.link.replace("__code__", p.name); });
    window.addEventListener("resize", () => chart.resize());
  }
});

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
