// The hall screen: a live clock, the time the shown data is from (the oldest panel's), and a plain warning when
// panels have not been refreshed for three refresh periods — the server restarting or the network gone. htmx
// keeps polling through failures, so the panels come back by themselves; a reply that is not a panel (the login
// page after a lost session, an error page) is never swapped in.
(() => {
  const head = document.querySelector(".wall-head");
  if (!head) return;
  const refresh = Number(head.dataset.refresh) * 1000;
  const clock = head.querySelector(".clock");
  const asOf = head.querySelector(".as-of time");
  const stale = head.querySelector(".stale-note");
  const two = (n) => String(n).padStart(2, "0");
  const hms = (d) => `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  const day = (d) => `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;

  function tick() {
    const now = new Date();
    clock.textContent = `${day(now)} ${hms(now)}`;
    const times = [...document.querySelectorAll(".wall-panel[data-as-of]")].map((p) => new Date(p.dataset.asOf));
    if (!times.length) return;
    const oldest = new Date(Math.min(...times));
    asOf.textContent = hms(oldest);
    const old = now - oldest > 3 * refresh;
    stale.hidden = !old;
    document.body.classList.toggle("stale", old);
  }
  document.addEventListener("htmx:beforeSwap", (event) => {
    const panel = event.detail.target.dataset.panel;
    const body = event.detail.xhr.responseText || "";
    if (!event.detail.xhr.status || event.detail.xhr.status >= 400 || !body.includes(`data-panel="${panel}"`)) {
      event.detail.shouldSwap = false;
      event.detail.target.classList.add("failed");
    }
  });
  document.addEventListener("htmx:afterSwap", tick);
  tick();
  setInterval(tick, 1000);
})();
