// What-if variants, kept as patches (the format of accord's shipped what-ifs, docs/analysis.md):
// a saved variant is what changed against the scenario as loaded, stored in this browser per
// scenario name, so loading the scenario again (or reloading the page) never loses it; the shipped
// what-ifs of an example are listed beside them. The server applies a patch (POST /api/patch).
"use strict";

const storeKey = (name) => `accord.variants.${name}`;

async function loadVariants(name) {
  let mine = [];
  try { mine = JSON.parse(localStorage.getItem(storeKey(name)) || "[]"); } catch (err) {
    showError(`the variants saved for ${name} in this browser are unreadable and were left as they are (${err.message})`);
  }
  let shipped = [];
  if ([...$("example-select").options].some((o) => o.value === name)) {
    try {
      shipped = (await api(`/api/examples/${encodeURIComponent(name)}/variants`).then((r) => r.json())).variants;
    } catch (err) { showError(`could not list the shipped what-ifs: ${err.message}`); }
  }
  state.variants = [
    ...shipped.map((p) => ({ name: p.name, description: p.description || "", patch: p, shipped: true })),
    ...mine.map((v) => ({ ...v, shipped: false })),
  ];
  renderVariants();
  $("compare-table").replaceChildren();
  Plotly.purge($("chart-compare"));
}

function saveVariants() {
  const mine = state.variants.filter((v) => !v.shipped).map(({ name, description, patch }) => ({ name, description, patch }));
  localStorage.setItem(storeKey(state.loaded.name), JSON.stringify(mine));
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// The patch that turns `before` into `after`: `set` paths for values, removed and added events by id.
function diffPatch(before, after) {
  const set = {};
  const put = (path, a, b) => { if (!same(a, b)) set[path] = b; };
  const byId = (items) => Object.fromEntries((items || []).map((x) => [x.id, x]));
  const actors = byId(before.actors);
  for (const a of after.actors) put(`actors.${a.id}.capability`, (actors[a.id] || {}).capability, a.capability);
  for (const [actor, stances] of Object.entries(after.stances)) {
    for (const [issue, st] of Object.entries(stances)) {
      const old = ((before.stances[actor] || {})[issue]) || {};
      put(`stances.${actor}.${issue}.position`, old.position, st.position);
      put(`stances.${actor}.${issue}.salience`, old.salience, st.salience);
    }
  }
  if (!same(before.deadline, after.deadline)) {
    if (before.deadline && after.deadline) put("deadline.date", before.deadline.date, after.deadline.date);
    else set.deadline = after.deadline ?? null;
  }
  const pair = (r) => [...r.actors].sort().join(",");
  const rels = Object.fromEntries((before.relations || []).map((r) => [pair(r), r]));
  for (const r of after.relations || []) {
    const old = rels[pair(r)] || {};
    put(`relations.${pair(r)}.alignment`, old.alignment, r.alignment);
    put(`relations.${pair(r)}.channel`, old.channel !== false, r.channel !== false);
  }
  const channels = byId(before.channels);
  for (const c of after.channels || []) {
    const old = channels[c.id] || {};
    put(`channels.${c.id}.open`, old.open !== false, c.open !== false);
    put(`channels.${c.id}.members`, old.members, c.members);
  }
  const oldEvents = byId(before.events);
  const newEvents = byId(after.events);
  if ((after.events || []).some((e) => !e.id) && !same(before.events, after.events)) {
    throw new Error("an event without an id cannot be kept in a variant: give every edited or added event an id");
  }
  const remove_events = Object.keys(oldEvents).filter((id) => !newEvents[id] || !same(oldEvents[id], newEvents[id]));
  const add_events = (after.events || []).filter((e) => !oldEvents[e.id] || !same(oldEvents[e.id], e));
  const patch = {};
  if (Object.keys(set).length) patch.set = set;
  if (remove_events.length) patch.remove_events = remove_events;
  if (add_events.length) patch.add_events = add_events;
  return patch;
}

function addVariant() {
  let patch;
  try { patch = diffPatch(state.loaded, state.scenario); } catch (err) { showError(err.message); return; }
  if (!Object.keys(patch).length) { showError("nothing to save: the scenario on screen is the one loaded"); return; }
  const name = $("variant-name").value.trim() || `variant ${state.variants.filter((v) => !v.shipped).length + 1}`;
  state.variants.push({ name, description: "", patch: { name, ...patch }, shipped: false });
  saveVariants();
  $("variant-name").value = "";
  renderVariants();
  showError("");
  setStatus(`saved variant "${name}"`);
}

async function patched(variant) {
  const { name, description, scenario, source, ...changes } = variant.patch;
  return (await postJSON("/api/patch", { scenario: state.loaded, patch: changes }).then((r) => r.json())).scenario;
}

async function openVariant(variant) {
  try {
    setScenario(await patched(variant), state.loaded);
    setStatus(`opened variant "${variant.name}"`);
  } catch (err) { showError(`variant ${variant.name}: ${err.message}`); }
}

function renderVariants() {
  const list = $("variant-list");
  list.replaceChildren();
  state.variants.forEach((v, k) => {
    const li = document.createElement("li");
    li.append(v.name);
    const tag = document.createElement("span");
    tag.className = "tag";
    tag.textContent = v.shipped ? "shipped" : "saved here";
    li.append(tag);
    if (v.description) li.append(` — ${v.description}`);
    const open = document.createElement("button");
    open.textContent = "open";
    open.title = `load ${v.name} into the editor`;
    open.addEventListener("click", () => openVariant(v));
    li.append(open);
    if (!v.shipped) {
      const remove = document.createElement("button");
      remove.textContent = "×";
      remove.title = `remove ${v.name}`;
      remove.addEventListener("click", () => { state.variants.splice(k, 1); saveVariants(); renderVariants(); });
      li.append(remove);
    }
    list.append(li);
  });
  $("compare").disabled = state.variants.length === 0;
}

async function compare() {
  showError("");
  setStatus("comparing variants…");
  try {
    const scenarios = await Promise.all(state.variants.map(patched));
    const variants = [{ name: "as loaded", scenario: state.loaded },
      ...state.variants.map((v, k) => ({ name: v.name, scenario: scenarios[k] }))];
    const data = await postJSON("/api/compare", { variants, model: $("model-select").value, seed: seed() })
      .then((r) => r.json());
    const names = [...new Set(data.rows.map((r) => r.variant))];
    const issues = [...new Set(data.rows.map((r) => r.issue))];
    const value = (v, i) => data.rows.find((r) => r.variant === v && r.issue === i).forecast.toFixed(2);
    $("compare-table").innerHTML = `<thead><tr><th>variant</th>${issues.map((i) => `<th>${escapeHTML(i)}</th>`).join("")}` +
      `</tr></thead><tbody>${names.map((v) => `<tr><th>${escapeHTML(v)}</th>` +
        issues.map((i) => `<td class="forecast-value">${value(v, i)}</td>`).join("") + "</tr>").join("")}</tbody>`;
    plot("chart-compare", data.figure);
    setStatus(`compared ${names.length} variants (${data.model})`);
  } catch (err) { showError(err.message); setStatus(""); }
}
