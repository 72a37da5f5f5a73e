"""`GET /_sim/`: a small HTML console over the control endpoints (no external assets: it works offline).

It shows the store's overview (ControlHooks.overview: e.g. orders with their states), the simulated clock with
an "advance" button, the request journal and the active faults; it reads everything from the JSON control
endpoints, so it shows nothing they do not.
"""

from __future__ import annotations

__all__ = ["CONSOLE_HTML"]

CONSOLE_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Simulator console</title>
<link rel="icon" href="data:,">
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.3em}h2{font-size:1.05em;margin-top:1.4em}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}
th{background:#f3f3f3}.muted{color:#777}input{width:5em}
</style></head><body>
<h1>Simulator console</h1>
<p>Simulated time: <b id="now">…</b>
 — advance by <input id="days" type="number" min="0" step="1" value="31"> days
 <button id="advance">Advance</button> <button id="refresh">Refresh</button></p>
<h2>Store</h2><div id="overview" class="muted">…</div>
<h2>Active faults</h2><div id="faults" class="muted">…</div>
<h2>Request journal (newest first)</h2><div id="journal" class="muted">…</div>
<script>
"use strict";
const base = location.pathname.replace(/\\/$/, "");
async function get(path) {
  const response = await fetch(base + path, {headers: {"Accept": "application/json"}});
  return response.ok ? response.json() : null;
}
function table(rows, columns) {
  if (!rows || rows.length === 0) return document.createTextNode("none");
  const t = document.createElement("table");
  const head = t.insertRow();
  for (const c of columns) { const th = document.createElement("th"); th.textContent = c; head.appendChild(th); }
  for (const row of rows) {
    const tr = t.insertRow();
    for (const c of columns) {
      const v = row[c];
      const text = typeof v === "object" && v !== null ? JSON.stringify(v) : String(v ?? "");
      tr.insertCell().textContent = text;
    }
  }
  return t;
}
function show(id, node) { const el = document.getElementById(id); el.replaceChildren(node); el.className = ""; }
async function refresh() {
  const [clock, overview, faults, journal] = await Promise.all(
    [get("/clock"), get("/overview"), get("/faults"), get("/requests?limit=25")]);
  document.getElementById("now").textContent = clock ? clock.now : "?";
  const sections = overview || {};
  const wrap = document.createElement("div");
  for (const [name, rows] of Object.entries(sections)) {
    const h = document.createElement("h3"); h.textContent = name; wrap.appendChild(h);
    wrap.appendChild(table(rows, rows.length ? Object.keys(rows[0]) : []));
  }
  show("overview", wrap);
  const ruleColumns = ["op", "kind", "when", "rate", "seed", "status", "ms", "times", "fired"];
  show("faults", table(faults ? faults.faults : [], ruleColumns));
  const entries = journal ? journal.requests.slice().reverse() : [];
  show("journal", table(entries, ["time", "operation", "method", "path", "status", "duration_ms", "fault"]));
}
document.getElementById("refresh").addEventListener("click", refresh);
document.getElementById("advance").addEventListener("click", async () => {
  const days = Number(document.getElementById("days").value) || 0;
  await fetch(base + "/clock/advance", {method: "POST", headers: {"Content-Type": "application/json"},
                                        body: JSON.stringify({days})});
  await refresh();
});
refresh();
</script></body></html>
"""
