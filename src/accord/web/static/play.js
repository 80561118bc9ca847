// accord: play one party in the browser. The server is stateless (POST /api/play): the page keeps the
// scenario, the seat, the seed and the decisions the last reply returned, and sends them with each move.
"use strict";

const game = { scenario: null, actor: null, seed: 0, decisions: [], turn: null };
const PLOT_CONFIG = { displaylogo: false, responsive: true };
const DRAWS = 200;

function showError(message) { $("error").textContent = message; $("error").hidden = !message; }

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

async function init() {
  const examples = await apiJSON("/api/examples");
  $("example-select").replaceChildren(...examples.map((e) => new Option(`${e.name} — ${e.title}`, e.name)));
  $("load-example").addEventListener("click", async () => {
    try { setScenario((await apiJSON(`/api/examples/${$("example-select").value}`)).scenario); }
    catch (e) { showError(e.message); }
  });
  $("upload").addEventListener("change", uploadFile);
  $("start").addEventListener("click", start);
  $("propose").addEventListener("click", () => move("propose"));
  $("reject").addEventListener("click", () => move("reject"));
  $("auto").addEventListener("click", () => move("auto"));
  $("download-game").addEventListener("click", downloadGame);
  const handed = sessionStorage.getItem("accord-play-scenario");  // "Play a party of it" on the dashboard
  if (handed) {
    sessionStorage.removeItem("accord-play-scenario");
    setScenario(JSON.parse(handed));
  }
}

async function uploadFile() {
  const file = $("upload").files[0];
  if (!file) return;
  try {
    const data = await apiJSON(`/api/scenario/upload?filename=${encodeURIComponent(file.name)}`,
      { method: "POST", headers: { "content-type": "application/octet-stream" }, body: await file.arrayBuffer() });
    setScenario(data.scenario);
  } catch (e) { showError(e.message); }
}

function setScenario(scenario) {
  showError("");
  game.scenario = scenario;
  $("actor-select").replaceChildren(...scenario.actors.map((a) => new Option(a.name ? `${a.id} — ${a.name}` : a.id, a.id)));
  $("actor-select").disabled = false;
  $("start").disabled = false;
  setStatus(`loaded ${scenario.name}`);
}

async function start() {
  game.actor = $("actor-select").value;
  game.seed = parseInt($("seed").value || "0", 10);
  game.decisions = [];
  $("over").hidden = true;
  await step(null);
}

async function step(next) {
  showError("");
  setStatus("playing…");
  for (const id of ["propose", "reject", "auto", "start"]) $(id).disabled = true;
  try {
    const data = await apiJSON("/api/play", {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ scenario: game.scenario, actor: game.actor, seed: game.seed,
        decisions: game.decisions, move: next, draws: DRAWS }),
    });
    game.decisions = data.decisions;
    if (data.over) renderOver(data); else renderTurn(data.turn);
    renderCharts(data.figures);
    setStatus(data.over ? "game over" : `round ${data.turn.round}: your move`);
  } catch (e) {
    showError(e.message);
    setStatus("");
  } finally {
    for (const id of ["propose", "reject", "auto", "start"]) $(id).disabled = false;
  }
}

function renderTurn(t) {
  game.turn = t;
  $("round").hidden = false;
  const when = t.date ? ` — ${t.date}` : "";
  const until = t.deadline ? ` (deadline ${t.deadline})` : "";
  $("round-title").textContent = `Round ${t.round} of ${t.rounds}${when} — ${t.left} round(s) left${until}`;
  $("fired").replaceChildren(...t.fired.map((e) => el("li", `${e.type} (${e.actors || "all"}): ${e.description}`)));
  const away = t.away.length ? `; away: ${t.away.join(", ")}` : "";
  $("table-line").textContent = `You are ${t.actor}. At the table: ${t.present.join(", ")}${away}. ` +
    `You can talk to: ${t.channels.join(", ") || "nobody (no channel is open to you)"}.`;
  const table = $("offers-table");
  table.replaceChildren();
  const head = el("tr");
  head.append(el("th", "issue"), ...t.offers.map((o) => el("th", `from ${o.from}`)), el("th", "model suggests"));
  table.append(head);
  t.labels.forEach((label, q) => {
    const row = el("tr");
    row.append(el("td", label), ...t.offers.map((o) => el("td", o.in_units[q], "num")),
      el("td", t.suggestion.in_units[q], "num"));
    table.append(row);
  });
  const util = el("tr", undefined, "utility");
  util.append(el("td", "your utility"), ...t.offers.map((o) => el("td", o.utility.toFixed(3), "num")),
    el("td", t.suggestion.utility.toFixed(3), "num"));
  table.append(util);
  const buttons = el("tr");
  buttons.append(el("td"));
  for (const o of t.offers) {
    const cell = el("td");
    const b = el("button", `Accept ${o.from}`);
    b.dataset.from = o.from;
    b.addEventListener("click", () => move("accept", [o.from]));
    cell.append(b);
    buttons.append(cell);
  }
  buttons.append(el("td"));
  table.append(buttons);
  $("no-deal").textContent = `No deal is worth ${t.no_deal.toFixed(3)} to you now.`;
  $("terms-row").replaceChildren(...t.issues.map((id, q) => {
    const label = el("label", `${t.labels[q]} `);
    const input = el("input");
    input.type = "text";
    input.id = `term-${id}`;
    input.placeholder = t.suggestion.in_units[q];
    label.append(input);
    return label;
  }));
  const here = t.present.includes(t.actor);
  $("walkout-label").hidden = !here;
  $("return-label").hidden = here;
  $("walkout").checked = $("return").checked = $("threat").checked = false;
  $("threat-value").value = "";
  $("threat-issue").replaceChildren(...t.issues.map((id) => new Option(id, id)));
  const others = game.scenario.actors.map((a) => a.id).filter((a) => a !== t.actor);
  $("threat-target").replaceChildren(new Option("everyone", ""), ...others.map((a) => new Option(a, a)));
  $("threat-live").replaceChildren(...t.threats.map((id) => new Option(id, id)));
  $("threat-fate").value = "";
  $("threat-live-label").hidden = !t.threats.length;
}

function events() {
  const out = [];
  if ($("walkout").checked && !$("walkout-label").hidden) out.push({ type: "actor_leaves" });
  if ($("return").checked && !$("return-label").hidden) out.push({ type: "actor_returns" });
  if ($("threat").checked) {
    out.push({ type: "threat", issue: $("threat-issue").value, value: $("threat-value").value,
      target: $("threat-target").value, credibility: $("threat-credibility").value });
  }
  if ($("threat-fate").value && $("threat-live").value) out.push({ type: $("threat-fate").value, threat: $("threat-live").value });
  return out;
}

function move(action, accept = []) {
  const terms = {};
  for (const id of game.turn.issues) terms[id] = $(`term-${id}`).value;
  return step({ action, accept, terms, events: events() });
}

function renderOver(data) {
  $("round").hidden = true;
  $("over").hidden = false;
  $("over-outcome").textContent = `${data.outcome.deal}: ${data.outcome.reason}`;
  const table = $("over-terms");
  const head = el("tr");
  head.append(el("th", "outcome"), el("th", "your game"), el("th", `the model's ${game.actor}`));
  table.replaceChildren(head);
  for (const t of data.terms) {
    const row = el("tr");
    row.append(el("td", t.label), el("td", t.value, "num"), el("td", t.model, "num"));
    table.append(row);
  }
  $("comparison").textContent = data.comparison.text.charAt(0).toUpperCase() + data.comparison.text.slice(1) + ".";
}

function renderCharts(figs) {
  $("charts").hidden = false;
  for (const key of ["agreement", "trajectories"]) {
    const fig = figs[key];
    if (fig) Plotly.react($(`chart-${key}`), fig.data, fig.layout, PLOT_CONFIG);
    else Plotly.purge($(`chart-${key}`));
  }
}

function downloadGame() {
  const saved = { format: "accord-game", version: 1, scenario: game.scenario, actor: game.actor,
    seed: game.seed, params: {}, decisions: game.decisions };
  const url = URL.createObjectURL(new Blob([JSON.stringify(saved, null, 1)], { type: "application/json" }));
  const a = el("a");
  a.href = url;
  a.download = `${game.scenario.name}-${game.actor}-seed${game.seed}.game.json`;
  a.click();
  URL.revokeObjectURL(url);
}

init().catch((e) => showError(e.message));
