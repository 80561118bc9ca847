// The answer panel: POST /api/forecast gives the same answer block as `accord forecast`
// (deal probabilities per coalition with dates, terms per branch in the issues' units, pivotal
// actors, the what-ifs that move the answer most, where the models disagree) and its figures.
"use strict";

function draws() { return Math.max(0, parseInt($("draws").value || "0", 10)); }

async function forecast() {
  showError("");
  setStatus("forecasting… (Monte Carlo, pivotal actors, what-ifs)");
  $("forecast").disabled = true;
  try {
    const chosen = $("model-select").value;
    const models = state.scenario.negotiation ? ["agents"] : [];
    const payload = { scenario: state.scenario, chosen, models, seed: seed(), draws: draws(),
      whatif_draws: Math.min(draws(), 100) };
    const data = await postJSON("/api/forecast", payload).then((r) => r.json());
    renderAnswer(data);
    setStatus(`forecast with ${data.draws} draws`);
  } catch (err) {
    showError(err.message);
    setStatus("");
  } finally {
    $("forecast").disabled = false;
  }
}

function renderAnswer(data) {
  $("answer").hidden = false;
  markFresh("answer");
  const a = data.answer;
  $("answer-model").textContent = `(models: ${data.models.join(", ")}; intervals and pivotal actors: ${a.chosen_model})`;
  const parts = a.sections.map((s) =>
    `<h3>${escapeHTML(s.title)}</h3><ul>${s.lines.map((l) => `<li>${escapeHTML(l)}</li>`).join("")}</ul>`);
  const skipped = Object.entries(data.skipped || {});
  if (skipped.length) {
    parts.push(`<h3>Not run</h3><ul>${skipped.map(([m, why]) => `<li>${escapeHTML(m)}: ${escapeHTML(why)}</li>`).join("")}</ul>`);
  }
  $("answer-sections").innerHTML = parts.join("");
  plot("chart-agreement", data.figures.agreement);
  plot("chart-answer-forecast", data.figures.forecast);
  plot("chart-pivotal", data.figures.pivotal);
}
