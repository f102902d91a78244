// Work typed with no signal is kept on the phone and sent when the connection returns.
//
// A form marked data-offline (a temperature reading, an arrival, a zero report: {% form %} marks them) that is
// submitted while the browser is offline is stored in IndexedDB with a fresh idempotency key — and, for a
// reading, the time it was taken — instead of being lost. The queue is sent on the "online" event, on every page
// load and every 30 s while anything waits; a submission sent twice (a reply lost on a flaky line, two tabs) is
// stored once, because the server counts each key once (fangkong/idempotency). Each page says what is still
// waiting, and what the server refused and why. The service worker (sw.js) only keeps the static files and the
// offline page: pages with people on them are never stored on the phone.
(() => {
  const DB = "fangkong-offline", STORE = "queue";
  const status = document.querySelector("[data-offline-status]");
  let flushing = false;

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  async function store(mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
    });
  }
  const all = () => store("readonly", (s) => s.getAll());
  const put = (item) => store("readwrite", (s) => s.put(item));
  const drop = (key) => store("readwrite", (s) => s.delete(key));

  function freshKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  function labelOf(form, fields) {
    const row = form.closest("tr");
    const named = row && (row.querySelector("a") || row.cells[0]);
    const who = (named && named.textContent.trim()) || fields.get("name") || document.title;
    return `${(status && status.dataset[`kind${form.dataset.offline}`]) || ""} ${who}`.trim();
  }

  async function show() {
    if (!status) return;
    const items = await all();
    const waiting = items.filter((i) => !i.refused), refused = items.filter((i) => i.refused);
    status.replaceChildren();
    if (waiting.length) {
      const line = document.createElement("p");
      line.dataset.testid = "offline-waiting";
      line.textContent = `${status.dataset.waiting.replace("{n}", waiting.length)}: ${waiting.map((i) => i.label).join(" · ")}`;
      status.append(line);
    }
    for (const item of refused) {
      const line = document.createElement("p");
      line.className = "problem";
      line.dataset.testid = "offline-refused";
      line.textContent = `${status.dataset.refused} ${item.label}: ${item.problems.join("; ")} `;
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.textContent = status.dataset.dismiss;
      dismiss.addEventListener("click", async () => { await drop(item.key); show(); });
      line.append(dismiss);
      status.append(line);
    }
    status.hidden = !items.length;
  }

  // One queued submission to the server: "sent", "wait" (no network, a server error, logged out), or the
  // problems the server found (the page shown again, or an error status).
  async function send(item) {
    let response;
    try {
      response = await fetch(item.action, {
        method: "POST", body: new URLSearchParams(item.fields), credentials: "same-origin",
        headers: { "Idempotency-Key": item.key },
      });
    } catch {
      return "wait";
    }
    if (new URL(response.url).pathname.startsWith("/login/") || response.status >= 500) return "wait";
    if (response.ok && response.redirected) return "sent";
    if (response.ok) {  // refused: the page came back with each problem at its field
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const problems = [...page.querySelectorAll(".problem")].map((p) => p.textContent.trim()).filter(Boolean);
      return problems.length ? problems : [String(response.status)];
    }
    return [`${response.status} ${response.statusText}`.trim()];
  }

  async function flush() {
    if (flushing || navigator.onLine === false) return;
    flushing = true;
    try {
      for (const item of await all()) {
        if (item.refused) continue;
        const outcome = await send(item);
        if (outcome === "wait") break;
        if (outcome === "sent") await drop(item.key);
        else await put({ ...item, refused: true, problems: outcome });
      }
    } finally {
      flushing = false;
      show();
    }
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-offline]") || navigator.onLine !== false) return;  // online: the usual POST
    event.preventDefault();
    const fields = new FormData(form);
    const key = freshKey();
    fields.set("key", key);
    if (form.dataset.offline === "reading" && !fields.get("taken_at")) fields.set("taken_at", new Date().toISOString());
    await put({ key, action: form.action, fields: [...fields.entries()].filter(([, v]) => typeof v === "string"),
                label: labelOf(form, fields), queuedAt: new Date().toISOString() });
    form.reset();
    show();
  });
  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", () => { show(); flush(); });
  setInterval(flush, 30000);

  if ("serviceWorker" in navigator && status) navigator.serviceWorker.register(status.dataset.worker).catch(() => {});
})();
