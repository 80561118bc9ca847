// accord dashboard: plain JavaScript over the JSON API in /api/ (see /docs).
"use strict";

// loaded: the scenario as loaded (what variants patch); scenario: it with the edits on screen.
const state = { loaded: null, scenario: null, variants: [] };
// Resizing is done here (see init) rather than by plotly's `responsive`, which takes the height from the
// container and squashes the tall multi-panel figures when the window narrows.
const PLOT_CONFIG = { displaylogo: false };
const DEFAULT_MODEL = "weighted-mean";

// An error never leaves results on screen that look current: they are marked out of date.
function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
  if (message) markStale("Out of date: the last request failed, so these results are from before it.");
}

function markStale(note) {
  for (const id of ["answer", "results"]) {
    const section = $(id);
    if (section.hidden) continue;
    section.classList.add("stale");
    const p = section.querySelector(".stale-note");
    p.textContent = note;
    p.hidden = false;
  }
}

function markFresh(id) {
  const section = $(id);
  section.classList.remove("stale");
  section.querySelector(".stale-note").hidden = true;
}

function clone(obj) { return JSON.parse(JSON.stringify(obj)); }

async function init() {
  const [examples, models] = await Promise.all([
    api("/api/examples").then((r) => r.json()),
    api("/api/models").then((r) => r.json()),
  ]);
  $("example-select").replaceChildren(...examples.map((e) => new Option(`${e.name} — ${e.title}`, e.name)));
  $("model-select").replaceChildren(...models.map((m) => new Option(m.name, m.name)));
  if (models.some((m) => m.name === DEFAULT_MODEL)) $("model-select").value = DEFAULT_MODEL;
  $("load-example").addEventListener("click", loadExample);
  $("upload").addEventListener("change", uploadFile);
  $("run").addEventListener("click", run);
  $("forecast").addEventListener("click", forecast);
  $("add-event").addEventListener("click", addEvent);
  $("deadline-date").addEventListener("change", editDeadline);
  $("download-yaml").addEventListener("click", () => download("/api/scenario/yaml", { scenario: state.scenario }));
  $("download-report").addEventListener("click", () => download("/api/report",
    { scenario: state.scenario, models: [$("model-select").value], seed: seed() }));
  $("play-scenario").addEventListener("click", () => {  // the game page reads it once (play.js)
    sessionStorage.setItem("accord-play-scenario", JSON.stringify(state.scenario));
    window.location.href = "/play";
  });
  $("add-variant").addEventListener("click", addVariant);
  $("compare").addEventListener("click", compare);
  let resizing = null;  // charts follow the window's width (debounced: a drag fires many events)
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => document.querySelectorAll(".js-plotly-plot").forEach((el) => {
      if (el.offsetParent !== null) Plotly.relayout(el, { width: el.parentElement.clientWidth, height: Number(el.dataset.height) });
    }), 150);
  });
}

// Each figure keeps the height the server gave it and takes the width of its card.
function plot(id, fig) {
  const el = $(id);
  if (!fig) { Plotly.purge(el); return; }
  el.dataset.height = fig.layout.height || 450;
  Plotly.react(el, fig.data, { ...fig.layout, width: el.parentElement.clientWidth, height: Number(el.dataset.height) }, PLOT_CONFIG);
}

function seed() { return parseInt($("seed").value || "0", 10); }

async function loadExample() {
  try {
    const name = $("example-select").value;
    const data = await api(`/api/examples/${encodeURIComponent(name)}`).then((r) => r.json());
    setScenario(data.scenario);
  } catch (err) { showError(err.message); }
}

async function uploadFile() {
  const file = $("upload").files[0];
  if (!file) return;
  showError("");
  try {
    const data = await api(`/api/scenario/upload?filename=${encodeURIComponent(file.name)}`,
      { method: "POST", headers: { "content-type": "application/octet-stream" }, body: file }).then((r) => r.json());
    setScenario(data.scenario);
  } catch (err) {
    showError(`Upload rejected: ${err.message}`);
  } finally {
    $("upload").value = "";
  }
}

// Loading a scenario keeps the variants saved for it (they live in this browser, as patches).
function setScenario(scenario, loaded = scenario) {
  showError("");
  state.loaded = clone(loaded);
  state.scenario = clone(scenario);
  $("scenario-title").textContent = scenario.title || scenario.name;
  for (const id of ["editor", "negotiation", "variants"]) $(id).hidden = false;
  for (const id of ["results", "answer"]) $(id).hidden = true;
  for (const id of ["run", "forecast", "download-yaml", "download-report", "play-scenario"]) $(id).disabled = false;
  renderTable();
  renderNegotiation();
  loadVariants(loaded.name);
  setStatus(`loaded ${scenario.name}`);
}

// One row per actor: capability, then position and salience on each issue.
function renderTable() {
  const sc = state.scenario;
  const table = $("stance-table");
  const head1 = ["<th rowspan='2'>Actor</th><th rowspan='2'>Capability</th>"];
  const head2 = [];
  for (const iss of sc.issues) {
    head1.push(`<th colspan="2" title="${escapeHTML(iss.name || iss.id)}">${escapeHTML(iss.id)}</th>`);
    head2.push("<th>position</th><th>salience</th>");
  }
  table.innerHTML = `<thead><tr>${head1.join("")}</tr><tr>${head2.join("")}</tr></thead>`;
  const body = document.createElement("tbody");
  for (const actor of sc.actors) {
    const tr = document.createElement("tr");
    tr.innerHTML = `<th title="${escapeHTML(actor.name || actor.id)}">${escapeHTML(actor.id)}</th>`;
    tr.append(cell(actor.capability, { kind: "capability", actor: actor.id }));
    for (const iss of sc.issues) {
      const stance = (sc.stances[actor.id] || {})[iss.id];
      if (!stance) {
        tr.insertAdjacentHTML("beforeend", "<td class='none'>—</td><td class='none'>—</td>");
        continue;
      }
      tr.append(cell(stance.position, { kind: "position", actor: actor.id, issue: iss.id }));
      tr.append(cell(stance.salience, { kind: "salience", actor: actor.id, issue: iss.id }));
    }
    body.append(tr);
  }
  table.append(body);
}

function cell(value, data) {
  const td = document.createElement("td");
  const input = document.createElement("input");
  input.type = "text";
  input.inputMode = "decimal";
  input.value = value;
  Object.assign(input.dataset, data);
  input.setAttribute("aria-label", [data.actor, data.issue, data.kind].filter(Boolean).join(" "));
  input.addEventListener("change", () => edit(input));
  td.append(input);
  return td;
}

// A value that is not a number is sent as typed, so the server's 422 names the field.
function edit(input) {
  const { kind, actor, issue } = input.dataset;
  const text = input.value.trim();
  const value = text !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
  const sc = state.scenario;
  if (kind === "capability") sc.actors.find((a) => a.id === actor).capability = value;
  else sc.stances[actor][issue][kind] = value;
  input.classList.add("changed");
  markStale("Edited since these results: run again to update them.");
}

async function run() {
  showError("");
  setStatus("running…");
  $("run").disabled = true;
  try {
    const model = $("model-select").value;
    const data = await postJSON("/api/run", { scenario: state.scenario, model, seed: seed() }).then((r) => r.json());
    renderResult(data);
    setStatus(`ran ${model}`);
  } catch (err) {
    showError(err.message);
    setStatus("");
  } finally {
    $("run").disabled = false;
  }
}

function renderResult(data) {
  $("results").hidden = false;
  markFresh("results");
  $("result-model").textContent = `(${data.model})`;
  const rows = data.forecast.map((f) =>
    `<tr><th>${escapeHTML(f.name)}</th><td class="forecast-value" data-issue="${escapeHTML(f.issue)}">` +
    `${f.forecast.toFixed(2)}</td><td class="muted">on ${f.min} to ${f.max}</td></tr>`);
  $("forecast-table").innerHTML = `<thead><tr><th>issue</th><th>forecast</th><th>scale</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody>`;
  const o = data.outcome;
  $("outcome").textContent = o ? (o.agreement && o.full_agreement !== false
    ? `Agreement in round ${o.round} (${o.date || ""}).`
    : o.agreement ? `No full agreement; deal of ${o.deal} in round ${o.round} (${o.date || ""}): ${o.reason || ""}`
    : `No agreement: ${o.reason || ""}`) : "";
  for (const key of ["forecast", "positions", "trajectories"]) plot(`chart-${key}`, data.figures[key]);
}

async function download(path, payload) {
  showError("");
  setStatus("preparing download…");
  try {
    const response = await postJSON(path, payload);
    const disposition = response.headers.get("content-disposition") || "";
    const match = disposition.match(/filename="([^"]+)"/);
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement("a");
    link.href = url;
    link.download = match ? match[1] : "download";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    setStatus(`downloaded ${link.download}`);
  } catch (err) {
    showError(err.message);
    setStatus("");
  }
}

function escapeHTML(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// Runs once every deferred script (answer.js, negotiation.js, variants.js) has loaded.
document.addEventListener("DOMContentLoaded", () => init().catch((err) => showError(`Could not start: ${err.message}`)));
