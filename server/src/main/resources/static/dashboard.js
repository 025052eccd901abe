// The dashboard: every number comes from one server-side aggregate call. The view (period,
// filters, settings) lives in this page's query string so it can be bookmarked; the key never does.
"use strict";

const PERIODS = ["24h", "7d", "30d", "6m", "1y", "all"];
const FILTERS = ["hostname", "endpoint", "method", "status", "country", "client", "os", "device",
  "hour", "weekday", "version", "user"];
const SETTINGS = ["exclude404", "excludeBots", "hide"];
const FILTER_LABELS = {
  hostname: "Host", endpoint: "Endpoint", method: "Method", status: "Status", country: "Country",
  client: "Client", os: "OS", device: "Device", hour: "Hour", weekday: "Day", version: "Version", user: "User",
};
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const TIME_ZONE = (() => {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { return "UTC"; }
})();

let view = readView();
let lastData = null;
let endpointClass = "all";
let activitySeries = "requests";
let activityPlot = null;
let loads = 0;
let pending = null;

function readView() {
  const params = new URLSearchParams(location.search);
  const result = { period: PERIODS.includes(params.get("period")) ? params.get("period") : "7d" };
  for (const name of FILTERS.concat(SETTINGS)) {
    const value = params.get(name);
    if (value !== null && value !== "") result[name] = value;
  }
  return result;
}

function writeView(next) {
  view = next;
  const params = new URLSearchParams();
  if (view.period !== "7d") params.set("period", view.period);
  for (const name of FILTERS.concat(SETTINGS)) {
    if (view[name] !== undefined && view[name] !== "") params.set(name, view[name]);
  }
  const query = params.toString();
  history.pushState(null, "", location.pathname + (query ? "?" + query : ""));
  load();
}

function setFilter(name, value) {
  const next = Object.assign({}, view);
  if (value === null || value === undefined || value === "" || String(view[name]) === String(value)) {
    delete next[name];
  } else {
    next[name] = String(value);
  }
  if (name === "endpoint" && !next.endpoint) delete next.method;
  writeView(next);
}

function queryString(extra = {}) {
  const params = new URLSearchParams();
  params.set("period", view.period);
  for (const name of FILTERS.concat(SETTINGS)) {
    if (view[name] !== undefined) params.set(name, view[name]);
  }
  params.set("tz", TIME_ZONE);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return params.toString();
}

async function load() {
  syncControls();
  const errorBox = document.getElementById("error");
  const request = api(Endpoints.dashboard + "?" + queryString());
  pending = request;
  document.body.dataset.state = "loading";
  try {
    const data = await request;
    if (pending !== request) return;
    errorBox.classList.add("hidden");
    lastData = data;
    render(data);
    // when every panel was drawn, on the page's clock (read by the page benchmark)
    document.body.dataset.drawnAt = String(Math.round(performance.now()));
  } catch (e) {
    if (pending !== request) return;
    if (e.status === 401 && DashboardLink) {
      document.getElementById("dashboard").classList.add("hidden");
      document.getElementById("main").append(el("div", { class: "home", id: "link-refused" }, el("div", { class: "card" },
        el("h1", {}, "This dashboard link does not work"), el("p", { class: "muted" }, e.message))));
      document.body.dataset.state = "link-refused";
      return;
    }
    if (e.status === 401) {
      ApiKey.clear();
      showKeyForm("This key is not known to this collector. Check it and try again.");
      return;
    }
    errorBox.textContent = "Could not load the dashboard: " + e.message;
    errorBox.classList.remove("hidden");
  } finally {
    if (pending === request) {
      loads += 1;
      document.body.dataset.loads = String(loads);
      if (document.body.dataset.state === "loading") document.body.dataset.state = "ready";
    }
  }
}

function syncControls() {
  for (const button of document.querySelectorAll("#periods button")) {
    button.classList.toggle("active", button.dataset.period === view.period);
  }
  document.getElementById("exclude404").checked = view.exclude404 === "true";
  document.getElementById("excludeBots").checked = view.excludeBots === "true";
  document.getElementById("hide").value = view.hide || "";
  if (view.exclude404 || view.excludeBots || view.hide) document.getElementById("settings").classList.remove("hidden");
  renderChips();
}

function renderChips() {
  const chips = document.getElementById("chips");
  const active = FILTERS.filter((name) => view[name] !== undefined && !(name === "method" && view.endpoint));
  chips.replaceChildren(...active.map((name) => el("span", { class: "chip", "data-filter": name },
    FILTER_LABELS[name] + ":", el("b", {}, filterLabel(name, view[name])),
    el("button", { type: "button", title: "Remove this filter", "aria-label": "Remove filter " + FILTER_LABELS[name],
      onclick: () => setFilter(name, null) }, "\u00d7"))));
  if (active.length > 1) {
    chips.append(el("button", { class: "btn small", type: "button", onclick: () => {
      const next = { period: view.period };
      for (const name of SETTINGS) if (view[name] !== undefined) next[name] = view[name];
      writeView(next);
    } }, "Clear all"));
  }
}

function filterLabel(name, value) {
  switch (name) {
    case "endpoint": return (view.method ? view.method + " " : "") + value;
    case "country": return countryName(value);
    case "hour": return String(value).padStart(2, "0") + ":00";
    case "weekday": return WEEKDAYS[Number(value) - 1] || value;
    default: return value;
  }
}

function render(data) {
  document.getElementById("updated").textContent = "Updated " + new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  renderHostnames(data.hostnames || []);
  renderStats(data.summary, data.period === "all");
  renderPercentiles(data.percentiles);
  renderHistogram(data.histogram || []);
  renderActivity(data);
  renderEndpoints(data.endpoints || []);
  renderBars("statuses", data.statuses, "status", (item) => [el("i", { class: "status-dot s" + String(item.key).charAt(0) }), item.key]);
  renderBars("countries", data.countries, "country", (item) => countryName(item.key));
  renderBars("clients", data.clients, "client");
  renderBars("oses", data.oses, "os");
  renderBars("devices", data.devices, "device", (item) => item.key.charAt(0).toUpperCase() + item.key.slice(1));
  renderBars("versions", data.versions, "version");
  renderBars("referrers", data.referrers, null);
  renderHours(data.hours || []);
  renderWeekdays(data.weekdays || []);
  renderUsers(data.users || []);
  document.getElementById("tz-hint").textContent = data.timeZone || TIME_ZONE;
  // read from hourly summaries: unique users and percentiles are estimates (see docs/dashboard.md)
  document.getElementById("latency-hint").textContent = data.estimated ? "milliseconds, percentiles estimated" : "milliseconds";
  document.getElementById("updated").title = data.estimated
    ? "From hourly summaries: unique users and percentiles are estimated within a few percent" : "Computed from every request";
  renderRowsNotice(data);
}

// raw retention deleted the rows before data.rowsFrom: say what the view counts of that time
function renderRowsNotice(data) {
  const notice = document.getElementById("rows-notice");
  notice.classList.toggle("hidden", !data.rowsFrom);
  if (!data.rowsFrom) return;
  const since = new Date(data.rowsFrom).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
  notice.textContent = data.estimated
    ? "Requests before " + since + " are counted from hourly summaries: their raw rows are deleted (raw retention)."
    : "Raw rows before " + since + " are deleted (raw retention): with these filters this view counts only requests since then.";
}

function renderHostnames(hostnames) {
  const select = document.getElementById("hostname");
  const current = view.hostname || "";
  const names = hostnames.slice();
  if (current && !names.includes(current)) names.unshift(current);
  select.replaceChildren(el("option", { value: "" }, "All hostnames"),
    ...names.map((name) => el("option", { value: name, selected: name === current }, name)));
  select.value = current;
}

function renderStats(summary, allTime) {
  const specs = {
    requests: { format: fmt.number, better: 1 },
    users: { format: fmt.number, better: 1 },
    userIds: { format: fmt.number, better: 1 },
    successRate: { format: (v) => fmt.percent(v), better: 1, points: true },
    meanResponseTime: { format: fmt.ms, better: -1 },
  };
  for (const [name, spec] of Object.entries(specs)) {
    const panel = document.querySelector('[data-panel="' + name + '"]');
    const metric = summary[name] || {};
    panel.querySelector(".value").textContent = spec.format(metric.current);
    const change = panel.querySelector(".change");
    change.className = "change";
    change.textContent = allTime ? "all time" : describeChange(metric, spec, change);
  }
}

function describeChange(metric, spec, node) {
  const { current, previous } = metric;
  if (previous === null || previous === undefined || current === null || current === undefined) return "no earlier data";
  let delta;
  let text;
  if (spec.points) {
    delta = (current - previous) * 100;
    text = (delta >= 0 ? "+" : "") + delta.toFixed(1) + " pts";
  } else {
    if (previous === 0) return current === 0 ? "no change" : "new this period";
    delta = (current - previous) / previous * 100;
    text = (delta >= 0 ? "+" : "") + delta.toFixed(delta > -10 && delta < 10 ? 1 : 0) + "%";
  }
  if (Math.abs(delta) >= 0.05) node.classList.add(delta * spec.better > 0 ? "up" : "down");
  return text + " vs previous period";
}

function renderPercentiles(percentiles) {
  const box = document.getElementById("percentiles");
  box.replaceChildren(...["p50", "p75", "p90", "p95", "p99"].map((name) =>
    el("div", { "data-testid": name }, el("span", {}, name), el("b", {}, shortDuration(percentiles ? percentiles[name] : null)))));
}

/** Milliseconds without the unit (the panel says "milliseconds"), seconds with it. */
function shortDuration(ms) {
  if (ms === null || ms === undefined) return "\u2013";
  if (ms >= 1000) return (ms / 1000).toFixed(ms >= 10000 ? 1 : 2) + " s";
  if (ms >= 100) return String(Math.round(ms));
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

function renderHistogram(buckets) {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  document.getElementById("histogram").replaceChildren(...buckets.map((b) => el("div", {
    class: "vbar static", title: bucketLabel(b) + ": " + fmt.number(b.count) + " requests",
  }, el("div", { class: "fill", style: "height:" + (b.count / max * 100).toFixed(1) + "%" }))));
  document.getElementById("histogram-labels").replaceChildren(...buckets.map((b) => el("span", {}, shortMs(b.from))));
}

function bucketLabel(bucket) {
  return bucket.to === null || bucket.to === undefined ? "\u2265 " + fmt.ms(bucket.from) : fmt.ms(bucket.from) + " \u2013 " + fmt.ms(bucket.to);
}

function shortMs(ms) {
  return ms >= 1000 ? ms / 1000 + "s" : String(ms);
}

function renderActivity(data) {
  const container = document.getElementById("activity-chart");
  const points = data.activity || [];
  const xs = points.map((p) => p.t / 1000);
  const ys = points.map((p) => {
    const v = p[activitySeries];
    if (v === null || v === undefined) return null;
    return activitySeries === "successRate" ? v * 100 : v;
  });
  const labels = {
    requests: "Requests", users: "Users", meanResponseTime: "Mean response time (ms)", successRate: "Success rate (%)",
  };
  const bars = activitySeries === "requests" || activitySeries === "users";
  const width = Math.max(300, container.clientWidth);
  const options = {
    width, height: 240,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, activitySeries === "successRate" ? 100 : Math.max(1, max * 1.1)] } },
    axes: [
      { stroke: "#6b7385", grid: { stroke: "#f0f1f4" }, ticks: { stroke: "#e3e6eb" } },
      { stroke: "#6b7385", grid: { stroke: "#f0f1f4" }, ticks: { stroke: "#e3e6eb" }, size: 56,
        values: (u, splits) => splits.map((v) => activitySeries === "meanResponseTime" ? shortNumber(v) + "ms"
          : activitySeries === "successRate" ? v + "%" : shortNumber(v)) },
    ],
    series: [{}, {
      label: labels[activitySeries],
      stroke: "#3b5bdb",
      width: bars ? 0 : 2,
      fill: bars ? "rgba(59,91,219,.75)" : "rgba(59,91,219,.08)",
      paths: bars ? uPlot.paths.bars({ size: [0.7, 40], align: 0 }) : undefined,
      points: { show: !bars && xs.length < 60, size: 5 },
      spanGaps: true,
    }],
  };
  if (activityPlot) activityPlot.destroy();
  container.replaceChildren();
  activityPlot = new uPlot(options, [xs, ys], container);
}

function shortNumber(v) {
  if (Math.abs(v) >= 1e6) return (v / 1e6).toFixed(1).replace(/\.0$/, "") + "M";
  if (Math.abs(v) >= 1e3) return (v / 1e3).toFixed(1).replace(/\.0$/, "") + "k";
  return String(Math.round(v * 100) / 100);
}

function renderEndpoints(endpoints) {
  const countOf = (e) => endpointClass === "all" ? e.requests : e["s" + endpointClass];
  const rows = endpoints.filter((e) => countOf(e) > 0).sort((a, b) => countOf(b) - countOf(a)).slice(0, 50);
  const body = document.querySelector("#endpoints tbody");
  if (rows.length === 0) {
    body.replaceChildren(el("tr", {}, el("td", { colspan: 5, class: "empty" }, "No requests")));
    return;
  }
  const max = Math.max(...rows.map(countOf));
  body.replaceChildren(...rows.map((e) => {
    const selected = view.endpoint === e.endpoint && (!view.method || view.method === e.method);
    const ok = e.s2xx + e.s3xx;
    return el("tr", { class: "click" + (selected ? " selected" : ""), title: "Filter by " + e.method + " " + e.endpoint,
      onclick: () => {
        if (selected) { setFilter("endpoint", null); return; }
        writeView(Object.assign({}, view, { endpoint: e.endpoint, method: e.method }));
      } },
      el("td", {}, el("span", { class: "method " + e.method }, e.method)),
      el("td", { class: "mono", style: "background:linear-gradient(90deg,var(--accent-soft) " + (countOf(e) / max * 100).toFixed(1) + "%,transparent 0)" }, e.endpoint),
      el("td", { class: "num" }, fmt.number(countOf(e))),
      el("td", { class: "num" }, fmt.percent(e.requests ? ok / e.requests : null)),
      el("td", { class: "num" }, fmt.ms(e.meanResponseTime)));
  }));
}

function renderBars(id, items, filterName, label = (item) => item.key) {
  const list = document.getElementById(id);
  items = items || [];
  if (items.length === 0) {
    list.replaceChildren(el("li", { class: "empty", style: "cursor:default" }, id === "referrers" ? "No referrers recorded" : "No data"));
    return;
  }
  const max = Math.max(...items.map((i) => i.count));
  const total = items.reduce((sum, i) => sum + i.count, 0);
  list.replaceChildren(...items.map((item) => {
    const known = item.key !== null && item.key !== undefined && item.key !== "";
    const selected = filterName && known && String(view[filterName]) === String(item.key);
    return el("li", {
      class: selected ? "selected" : null, "data-key": known ? item.key : "",
      title: filterName && known ? "Filter by " + item.key : null,
      style: filterName && known ? null : "cursor:default",
      onclick: filterName && known ? () => setFilter(filterName, item.key) : null,
    }, el("div", { class: "bg", style: "width:" + (item.count / max * 100).toFixed(1) + "%" }),
    el("span", {}, known ? label(item) : "Unknown"),
    el("span", { class: "n" }, fmt.compact(item.count) + " \u00b7 " + fmt.percent(item.count / total, 0)));
  }));
}

function renderVertical(barsId, labelsId, counts, filterName, labelOf, titleOf, valueOf) {
  const max = Math.max(1, ...counts);
  document.getElementById(barsId).replaceChildren(...counts.map((count, i) => {
    const value = valueOf(i);
    const selected = String(view[filterName]) === String(value);
    return el("button", { type: "button", class: "vbar" + (selected ? " selected" : ""), "data-value": value,
      title: titleOf(i) + ": " + fmt.number(count) + " requests", onclick: () => setFilter(filterName, value) },
    el("div", { class: "fill", style: "height:" + (count / max * 100).toFixed(1) + "%" }));
  }));
  document.getElementById(labelsId).replaceChildren(...counts.map((c, i) => el("span", {}, labelOf(i))));
}

function renderHours(hours) {
  renderVertical("hours", "hour-labels", hours, "hour", (i) => i % 3 === 0 ? String(i).padStart(2, "0") : "",
    (i) => String(i).padStart(2, "0") + ":00", (i) => i);
}

function renderWeekdays(days) {
  renderVertical("weekdays", "weekday-labels", days, "weekday", (i) => WEEKDAYS[i], (i) => WEEKDAYS[i], (i) => i + 1);
}

function renderUsers(users) {
  const body = document.querySelector("#users tbody");
  if (users.length === 0) {
    body.replaceChildren(el("tr", {}, el("td", { colspan: 4, class: "empty" }, "No users identified")));
    return;
  }
  body.replaceChildren(...users.map((u) => el("tr", {
    class: "click", title: "Filter by this user", onclick: () => setFilter("user", u.key) },
  el("td", { class: "mono" }, u.key),
  el("td", { class: "num" }, fmt.number(u.requests)),
  el("td", { class: "num" }, fmt.percent(u.successRate)),
  el("td", { class: "num" }, fmt.dateTime(u.lastSeen)))));
}

async function exportCsv() {
  const button = document.getElementById("export-button");
  button.disabled = true;
  try {
    const response = await fetch(Endpoints.dashboardCsv + "?" + queryString(), { headers: { "X-AUTH-TOKEN": DashboardLink || ApiKey.get() } });
    if (!response.ok) {
      let message = "The server answered " + response.status + ".";
      try { message = (await response.json()).message || message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    const blob = await response.blob();
    const link = el("a", { href: URL.createObjectURL(blob), download: "api-analytics-" + view.period + ".csv" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } catch (e) {
    const errorBox = document.getElementById("error");
    errorBox.textContent = "Could not export: " + e.message;
    errorBox.classList.remove("hidden");
  } finally {
    button.disabled = false;
  }
}

function bindControls() {
  for (const button of document.querySelectorAll("#periods button")) {
    button.addEventListener("click", () => writeView(Object.assign({}, view, { period: button.dataset.period })));
  }
  document.getElementById("hostname").addEventListener("change", (event) => setFilter("hostname", event.target.value));
  document.getElementById("settings-button").addEventListener("click", () => document.getElementById("settings").classList.toggle("hidden"));
  for (const name of ["exclude404", "excludeBots"]) {
    document.getElementById(name).addEventListener("change", (event) => {
      const next = Object.assign({}, view);
      if (event.target.checked) next[name] = "true"; else delete next[name];
      writeView(next);
    });
  }
  const applyHidden = () => {
    const next = Object.assign({}, view);
    const patterns = document.getElementById("hide").value.split(",").map((p) => p.trim()).filter(Boolean).join(",");
    if (patterns) next.hide = patterns; else delete next.hide;
    writeView(next);
  };
  document.getElementById("hide-apply").addEventListener("click", applyHidden);
  document.getElementById("hide").addEventListener("keydown", (event) => { if (event.key === "Enter") applyHidden(); });
  document.getElementById("export-button").addEventListener("click", exportCsv);
  document.getElementById("share-button").addEventListener("click", toggleShare);
  for (const button of document.querySelectorAll("#endpoint-tabs button")) {
    button.addEventListener("click", () => {
      endpointClass = button.dataset.class;
      for (const b of document.querySelectorAll("#endpoint-tabs button")) b.classList.toggle("active", b === button);
      if (lastData) renderEndpoints(lastData.endpoints || []);
    });
  }
  for (const button of document.querySelectorAll("#activity-tabs button")) {
    button.addEventListener("click", () => {
      activitySeries = button.dataset.series;
      for (const b of document.querySelectorAll("#activity-tabs button")) b.classList.toggle("active", b === button);
      if (lastData) renderActivity(lastData);
    });
  }
  window.addEventListener("popstate", () => { view = readView(); load(); });
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (lastData) renderActivity(lastData); }, 150);
  });
}

function showKeyForm(message) {
  document.getElementById("dashboard").classList.add("hidden");
  const holder = document.getElementById("key-form") || el("div", { id: "key-form" });
  document.getElementById("main").append(holder);
  renderKeyForm(holder, "Open your dashboard", () => { holder.remove(); start(); });
  if (message) {
    const notice = holder.querySelector(".notice.error");
    notice.textContent = message;
    notice.classList.remove("hidden");
  }
  document.body.dataset.state = "key-needed";
}

/** The key holder's read-only link: shown, regenerated (the old one stops at once) or turned off. */
async function toggleShare(event, method) {
  const panel = document.getElementById("share");
  if (!method && !panel.classList.contains("hidden")) {
    panel.classList.add("hidden");
    return;
  }
  panel.classList.remove("hidden");
  try {
    const state = await api(Endpoints.dashboardId, { method: method || "GET" });
    const link = state.enabled ? location.origin + state.path : null;
    panel.replaceChildren(el("div", { class: "row" },
      el("b", {}, "Read-only link"),
      link ? el("input", { class: "input grow mono", id: "share-link", readonly: true, value: link, onclick: (e) => e.target.select() })
        : el("span", { class: "muted grow", id: "share-off" }, "Turned off: nobody can open this dashboard without the key."),
      el("button", { class: "btn small", type: "button", id: "share-regenerate", onclick: () => toggleShare(null, "POST") },
        link ? "Regenerate" : "Turn on"),
      link ? el("button", { class: "btn small", type: "button", id: "share-off-button", onclick: () => toggleShare(null, "DELETE") }, "Turn off") : null),
      el("p", { class: "muted", style: "margin:8px 0 0" }, "Anyone with this link sees this dashboard and its CSV export, and can post, change or delete nothing. Regenerating stops the old link at once."));
  } catch (e) {
    panel.replaceChildren(el("div", { class: "notice error" }, "Could not read the link: " + e.message));
  }
}

function start() {
  document.querySelector(".topbar")?.remove();
  renderTopbar("dashboard");
  if (DashboardLink) {
    document.getElementById("share-button").classList.add("hidden");
    document.getElementById("dashboard").classList.remove("hidden");
    load();
    return;
  }
  if (!ApiKey.get()) {
    showKeyForm();
    return;
  }
  document.getElementById("dashboard").classList.remove("hidden");
  load();
}

bindControls();
start();
