// Draws the children of the current unit as a choropleth (ECharts), coloured by a figure.
document.addEventListener("DOMContentLoaded", async () => {
  const el = document.getElementById("map");
  if (!el || !window.echarts) return;
  const geo = await (await fetch(el.dataset.url, { credentials: "same-origin" })).json();
  echarts.registerMap("unit", geo);
  const data = geo.features.map((f) => ({ name: f.properties.name, value: f.properties.value ?? 0, label: f.properties.label }));
  const labels = Object.fromEntries(data.map((d) => [d.name, d.label]));
  const max = Math.max(1, ...data.map((d) => d.value));
  const chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    backgroundColor: "transparent",
    tooltip: { trigger: "item", formatter: (p) => `${labels[p.name] ?? p.name}<br>${el.dataset.name}: ${(p.value ?? 0).toLocaleString()}` },
    visualMap: { min: 0, max, left: 10, bottom: 10, calculable: true, textStyle: { color: "#cbd5e1" },
                 inRange: { color: ["#0c4a6e", "#0ea5e9", "#fde047", "#f97316", "#dc2626"] } },
    series: [{ type: "map", map: "unit", roam: true, data,
               label: { show: true, color: "#e2e8f0", fontSize: 11, formatter: (p) => labels[p.name] ?? p.name },
               itemStyle: { borderColor: "#0b1220", borderWidth: 1 },
               emphasis: { label: { color: "#fff" }, itemStyle: { areaColor: "#38bdf8" } } }],
  });
  chart.on("click", (p) => { window.location = el.dataset.link.replace("__code__", p.name); });
  window.addEventListener("resize", () => chart.resize());
});
