// accord dashboard: plain JavaScript over the JSON API in /api/ (see /docs).
"use strict";

const state = { loaded: null, scenario: null, variants: [] };
const $ = (id) => document.getElementById(id);
const PLOT_CONFIG = { displaylogo: false, responsive: true };
const DEFAULT_MODEL = "weighted-mean";

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

function setStatus(text) { $("status").textContent = text; }

// The API answers errors as {detail: [...], message} (422) or {detail: "..."} (404, 413).
async function errorText(response) {
  let body = null;
  try { body = await response.json(); } catch (e) { return `HTTP ${response.status}`; }
  if (body.message) return body.message;
  if (typeof body.detail === "string") return body.detail;
  if (Array.isArray(body.detail)) {
    return body.detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("\n");
  }
  return `HTTP ${response.status}`;
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  if (!response.ok) throw new Error(await errorText(response));
  return response;
}

async function postJSON(path, payload) {
  return api(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
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
  $("download-yaml").addEventListener("click", () => download("/api/scenario/yaml", { scenario: state.scenario }));
  $("download-report").addEventListener("click", () => download("/api/report",
    { scenario: state.scenario, models: [$("model-select").value], seed: seed() }));
  $("play-scenario").addEventListener("click", () => {  // the game page reads it once (play.js)
    sessionStorage.setItem("accord-play-scenario", JSON.stringify(state.scenario));
    window.location.href = "/play";
  });
  $("add-variant").addEventListener("click", addVariant);
  $("compare").addEventListener("click", compare);
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

function setScenario(scenario) {
  showError("");
  state.loaded = clone(scenario);
  state.scenario = clone(scenario);
  state.variants = [];
  $("scenario-title").textContent = scenario.title || scenario.name;
  for (const id of ["editor", "variants"]) $(id).hidden = false;
  $("results").hidden = true;
  for (const id of ["run", "download-yaml", "download-report", "play-scenario"]) $(id).disabled = false;
  renderTable();
  renderVariants();
  $("compare-table").replaceChildren();
  Plotly.purge($("chart-compare"));
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
  for (const key of ["forecast", "positions", "trajectories"]) {
    const fig = data.figures[key];
    if (fig) Plotly.react($(`chart-${key}`), fig.data, fig.layout, PLOT_CONFIG);
    else Plotly.purge($(`chart-${key}`));
  }
}

function addVariant() {
  const name = $("variant-name").value.trim() || `variant ${state.variants.length + 1}`;
  state.variants.push({ name, scenario: clone(state.scenario) });
  $("variant-name").value = "";
  renderVariants();
  setStatus(`saved variant "${name}"`);
}

function renderVariants() {
  const list = $("variant-list");
  list.replaceChildren();
  state.variants.forEach((v, k) => {
    const li = document.createElement("li");
    li.textContent = v.name;
    const remove = document.createElement("button");
    remove.textContent = "×";
    remove.title = `remove ${v.name}`;
    remove.addEventListener("click", () => { state.variants.splice(k, 1); renderVariants(); });
    li.append(remove);
    list.append(li);
  });
  $("compare").disabled = state.variants.length === 0;
}

async function compare() {
  showError("");
  try {
    const variants = [{ name: "as loaded", scenario: state.loaded }, ...state.variants];
    const data = await postJSON("/api/compare", { variants, model: $("model-select").value, seed: seed() })
      .then((r) => r.json());
    const names = [...new Set(data.rows.map((r) => r.variant))];
    const issues = [...new Set(data.rows.map((r) => r.issue))];
    const value = (v, i) => data.rows.find((r) => r.variant === v && r.issue === i).forecast.toFixed(2);
    $("compare-table").innerHTML = `<thead><tr><th>variant</th>${issues.map((i) => `<th>${escapeHTML(i)}</th>`).join("")}` +
      `</tr></thead><tbody>${names.map((v) => `<tr><th>${escapeHTML(v)}</th>` +
        issues.map((i) => `<td class="forecast-value">${value(v, i)}</td>`).join("") + "</tr>").join("")}</tbody>`;
    Plotly.react($("chart-compare"), data.figure.data, data.figure.layout, PLOT_CONFIG);
  } catch (err) { showError(err.message); }
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

init().catch((err) => showError(`Could not start: ${err.message}`));
