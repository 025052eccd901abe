// Shared helpers for every page: the key (session storage only, never the URL), API calls,
// number formatting and the top bar.
"use strict";

/** The collector's endpoints that the pages call. */
const Endpoints = {
  generateKey: "/api/generate-api-key",
  keyGeneration: "/api/key-generation",
  deleteData: "/api/data",
  deleteKey: "/api/key",
  dashboard: "/api/dashboard",
  dashboardCsv: "/api/dashboard/export.csv",
  monitors: "/api/monitors",
  dashboardId: "/api/dashboard-id",
  alerts: "/api/alerts",
};

/** The read-only dashboard id when the page was opened as /dashboard/<id>: it reads instead of the key, and never writes. */
const DashboardLink = (() => {
  const match = location.pathname.match(/^\/dashboard\/(dash_[A-Za-z0-9_-]{43})$/);
  return match ? match[1] : null;
})();

const ApiKey = {
  storageKey: "apiAnalyticsKey",
  get() { return sessionStorage.getItem(this.storageKey) || ""; },
  set(key) { sessionStorage.setItem(this.storageKey, key.trim()); },
  clear() { sessionStorage.removeItem(this.storageKey); },
  looksValid(key) { return /^[0-9a-fA-F-]{32,36}$/.test((key || "").trim()); },
  masked(key) { return key.length > 12 ? key.slice(0, 8) + "\u2026" + key.slice(-4) : key; },
};

/** Calls the collector with the session's key; rejects with the server's own message. */
async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  const key = options.key !== undefined ? options.key : (DashboardLink || ApiKey.get());
  if (key) headers["X-AUTH-TOKEN"] = key;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(options.json);
  }
  const response = await fetch(path, { method: options.method || "GET", headers, body: options.body });
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = text; }
  if (!response.ok) {
    const message = body && body.message ? body.message : "The server answered " + response.status + ".";
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return body;
}

const fmt = {
  number(n) {
    if (n === null || n === undefined || Number.isNaN(n)) return "\u2013";
    return Math.round(n).toLocaleString("en-US");
  },
  compact(n) {
    if (n === null || n === undefined) return "\u2013";
    if (Math.abs(n) < 10000) return fmt.number(n);
    return new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(n);
  },
  ms(n) {
    if (n === null || n === undefined || Number.isNaN(n)) return "\u2013";
    if (n >= 10000) return (n / 1000).toFixed(1) + " s";
    if (n >= 1000) return (n / 1000).toFixed(2) + " s";
    if (n >= 100) return Math.round(n) + " ms";
    if (n >= 10) return n.toFixed(1) + " ms";
    return n.toFixed(2) + " ms";
  },
  percent(ratio, digits = 1) {
    if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return "\u2013";
    return (ratio * 100).toFixed(digits) + "%";
  },
  dateTime(iso) {
    if (!iso) return "\u2013";
    return new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
  },
};

const countryNames = (() => {
  try { return new Intl.DisplayNames(["en"], { type: "region" }); } catch (e) { return null; }
})();
function countryName(code) {
  if (!code) return "Unknown";
  try { return (countryNames && countryNames.of(code.toUpperCase())) || code; } catch (e) { return code; }
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "style") node.style.cssText = value; // through the CSSOM, which the CSP allows
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** The shared top bar; `active` names the current page. */
function renderTopbar(active) {
  const key = DashboardLink ? null : ApiKey.get();
  const link = (href, label, name) => el("a", { href, class: active === name ? "active" : null }, label);
  const bar = el("header", { class: "topbar" },
    el("div", { class: "inner" },
      el("a", { class: "brand", href: "/" }, el("span", { class: "logo" }), "API Analytics"),
      el("nav", { class: "nav" },
        link("/dashboard", "Dashboard", "dashboard"),
        link("/monitoring", "Monitoring", "monitoring"),
        link("/delete", "Delete data", "delete")),
      key ? el("div", { class: "keychip" }, "Key", el("code", { "data-testid": "key-chip" }, ApiKey.masked(key)),
        el("button", { class: "btn small", onclick: () => { ApiKey.clear(); location.href = "/"; } }, "Sign out")) : null,
      DashboardLink ? el("div", { class: "keychip", "data-testid": "read-only" }, "Read-only link") : null));
  document.body.prepend(bar);
}

/** A key form that stores the key for this browser tab and calls `onKey`. */
function renderKeyForm(container, title, onKey) {
  const input = el("input", { class: "input grow", id: "key-input", placeholder: "Your API key, e.g. 3f1c2a9e-...", autocomplete: "off", spellcheck: "false" });
  const error = el("div", { class: "notice error hidden" });
  const submit = (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!ApiKey.looksValid(key)) {
      error.textContent = "That does not look like an API key: a key is a UUID such as 3f1c2a9e-4b7d-4e21-9a53-0c8d6f1e2b47.";
      error.classList.remove("hidden");
      return;
    }
    ApiKey.set(key);
    onKey(key);
  };
  container.replaceChildren(el("div", { class: "home" },
    el("div", { class: "card" },
      el("h1", {}, title),
      el("p", { class: "muted" }, "Enter your API key. It stays in this browser tab only and is never put in a link."),
      error,
      el("form", { class: "row", onsubmit: submit }, input, el("button", { class: "btn primary", type: "submit", id: "key-submit" }, "Open")),
      el("p", { class: "muted", style: "margin-top:14px" }, "No key yet? ", el("a", { href: "/" }, "Generate one"), "."))));
}
