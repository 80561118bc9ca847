// Editing the negotiation: the deadline, relations (alignment, direct channel), venues (channels:
// members, open at the start) and the events, each event as JSON in the scenario format, so every
// event type the schema knows can be edited here and the server's validation names a bad field.
"use strict";

function renderNegotiation() {
  const sc = state.scenario;
  $("deadline-date").value = (sc.deadline && sc.deadline.date) || "";
  $("deadline-round").textContent = sc.deadline && sc.deadline.round != null ? `round ${sc.deadline.round}` : "";
  renderRelations();
  renderChannels();
  renderEvents();
}

function edited() { markStale("Edited since these results: run again to update them."); }

function editDeadline() {
  const sc = state.scenario;
  const date = $("deadline-date").value;
  if (date) sc.deadline = { ...(sc.deadline || {}), date };
  else if (sc.deadline) { delete sc.deadline.date; if (!Object.keys(sc.deadline).some((k) => k !== "source")) delete sc.deadline; }
  $("deadline-date").classList.add("changed");
  edited();
}

function input(type, value, label, onChange) {
  const el = document.createElement("input");
  el.type = type;
  if (type === "checkbox") el.checked = Boolean(value); else el.value = value ?? "";
  el.setAttribute("aria-label", label);
  el.addEventListener("change", () => { onChange(el); el.classList.add("changed"); edited(); });
  return el;
}

function numberOrText(text) {
  const t = text.trim();
  return t !== "" && Number.isFinite(Number(t)) ? Number(t) : t;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement("td");
    if (c instanceof Node) td.append(c); else td.textContent = c;
    tr.append(td);
  }
  return tr;
}

function renderRelations() {
  const rels = state.scenario.relations || [];
  const table = $("relations-table");
  table.innerHTML = "<thead><tr><th>between</th><th>alignment (-1 enemies .. 1 allies)</th><th>direct channel</th></tr></thead>";
  const body = document.createElement("tbody");
  for (const r of rels) {
    const pair = r.actors.join("–");
    body.append(row([
      pair,
      input("text", r.alignment, `${pair} alignment`, (el) => { r.alignment = numberOrText(el.value); }),
      input("checkbox", r.channel !== false, `${pair} channel`, (el) => { r.channel = el.checked; }),
    ]));
  }
  table.append(body);
}

function renderChannels() {
  const channels = state.scenario.channels || [];
  const table = $("channels-table");
  table.innerHTML = "<thead><tr><th>venue</th><th>members</th><th>open at the start</th></tr></thead>";
  const body = document.createElement("tbody");
  for (const c of channels) {
    body.append(row([
      `${c.id}${c.name ? ` (${c.name})` : ""}`,
      input("text", c.members.join(", "), `${c.id} members`, (el) => {
        c.members = el.value.split(",").map((m) => m.trim()).filter(Boolean);
      }),
      input("checkbox", c.open !== false, `${c.id} open`, (el) => { c.open = el.checked; }),
    ]));
  }
  table.append(body);
}

function renderEvents() {
  const events = state.scenario.events || [];
  const table = $("events-table");
  table.innerHTML = "<thead><tr><th>event</th><th>when</th><th>definition (JSON)</th><th></th></tr></thead>";
  const body = document.createElement("tbody");
  events.forEach((ev, k) => {
    const area = document.createElement("textarea");
    area.rows = 2;
    area.value = JSON.stringify(ev);
    area.setAttribute("aria-label", `event ${ev.id || k}`);
    area.addEventListener("change", () => {
      try {
        events[k] = JSON.parse(area.value);
        area.classList.remove("invalid");
        showError("");
        edited();
      } catch (err) {
        area.classList.add("invalid");
        showError(`event ${ev.id || k}: not valid JSON (${err.message}); the event is unchanged`);
      }
    });
    const remove = document.createElement("button");
    remove.textContent = "×";
    remove.title = `remove event ${ev.id || k}`;
    remove.addEventListener("click", () => { events.splice(k, 1); renderEvents(); edited(); });
    body.append(row([`${ev.id || "(no id)"} · ${ev.type}`, ev.date || (ev.round != null ? `round ${ev.round}` : "random"), area, remove]));
  });
  table.append(body);
}

function addEvent() {
  let ev;
  try { ev = JSON.parse($("new-event").value); } catch (err) {
    showError(`new event: not valid JSON (${err.message})`);
    return;
  }
  if (typeof ev !== "object" || ev === null || Array.isArray(ev)) {
    showError("new event: give one event as a JSON object, e.g. {\"type\": \"channel_open\", ...}");
    return;
  }
  showError("");
  state.scenario.events = [...(state.scenario.events || []), ev];
  $("new-event").value = "";
  renderEvents();
  edited();
}
