// Shared by the dashboard (app.js) and the play page (play.js): element lookup, status line and
// calls to the JSON API in /api/ (see /docs), with the API's error messages as exceptions.
"use strict";

const $ = (id) => document.getElementById(id);

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

async function apiJSON(path, options = {}) {
  return (await api(path, options)).json();
}
