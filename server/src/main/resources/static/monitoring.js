// The monitoring page: register URLs for the collector to ping, see uptime and response times.
"use strict";

const MONITOR_PERIODS = ["24h", "7d", "30d", "60d"];
const WINDOW_LABELS = { "24h": "24 hours", "7d": "7 days", "30d": "30 days", "60d": "60 days" };
const INTERVALS = [[30, "every 30 s"], [60, "every minute"], [300, "every 5 min"], [900, "every 15 min"],
  [1800, "every 30 min"], [3600, "every hour"]];
let period = MONITOR_PERIODS.includes(new URLSearchParams(location.search).get("period"))
  ? new URLSearchParams(location.search).get("period") : "24h";
let plots = [];
let loads = 0;

async function load() {
  for (const button of document.querySelectorAll("#periods button")) {
    button.classList.toggle("active", button.dataset.period === period);
  }
  const errorBox = document.getElementById("error");
  document.body.dataset.state = "loading";
  try {
    const data = await api(Endpoints.monitors + "?period=" + period);
    errorBox.classList.add("hidden");
    render(data);
    renderAlerts(await api(Endpoints.alerts));
  } catch (e) {
    if (e.status === 401) {
      ApiKey.clear();
      showKeyForm("This key is not known to this collector. Check it and try again.");
      return;
    }
    errorBox.textContent = "Could not load monitors: " + e.message;
    errorBox.classList.remove("hidden");
  } finally {
    loads += 1;
    document.body.dataset.loads = String(loads);
    if (document.body.dataset.state === "loading") document.body.dataset.state = "ready";
  }
}

function render(data) {
  const select = document.getElementById("interval");
  if (select.options.length === 0) {
    const choices = INTERVALS.filter(([seconds]) => seconds >= data.minIntervalSeconds);
    if (!choices.some(([s]) => s === data.minIntervalSeconds)) choices.unshift([data.minIntervalSeconds, "every " + data.minIntervalSeconds + " s"]);
    select.replaceChildren(...choices.map(([seconds, label]) => el("option", { value: seconds, selected: seconds === 300 }, label)));
    const timeouts = [2, 5, 10, 20, 30].filter((s) => s <= data.maxTimeoutSeconds);
    if (!timeouts.includes(data.defaultTimeoutSeconds)) timeouts.push(data.defaultTimeoutSeconds);
    document.getElementById("timeout").replaceChildren(...timeouts.sort((a, b) => a - b).map((s) =>
      el("option", { value: s, selected: s === data.defaultTimeoutSeconds }, "timeout " + s + " s")));
  }
  document.getElementById("usage").textContent = data.monitors.length + " of " + data.limit + " monitors";
  document.getElementById("add-button").disabled = data.monitors.length >= data.limit;
  for (const plot of plots) plot.destroy();
  plots = [];
  const holder = document.getElementById("monitors");
  if (data.monitors.length === 0) {
    holder.replaceChildren(el("section", { class: "card empty" }, "No monitors yet. Add a URL above."));
    return;
  }
  holder.replaceChildren(...data.monitors.map(renderMonitor));
  for (const monitor of data.monitors) drawChart(monitor);
}

function renderMonitor(monitor) {
  const last = monitor.lastPing;
  const state = !last ? "unknown" : last.up ? "up" : "down";
  const stateText = !last ? "Waiting for the first ping" : last.up ? "Up" : "Down";
  const lastText = !last ? "" : "Last ping " + fmt.dateTime(last.at) + ": "
    + (last.failure ? last.failure : "HTTP " + last.status + " in " + fmt.ms(last.responseTimeMs));
  const series = monitor.series || [];
  return el("section", { class: "card", style: "margin-bottom:16px", "data-monitor": monitor.id, "data-url": monitor.url },
    el("div", { class: "card-head" },
      el("div", { class: "row", style: "min-width:0" },
        el("span", { class: "method " + monitor.method }, monitor.method),
        el("h2", { class: "mono", style: "overflow:hidden;text-overflow:ellipsis;white-space:nowrap" }, monitor.url),
        el("span", { class: "badge " + state, "data-testid": "state" }, stateText)),
      el("div", { class: "row" },
        el("span", { class: "hint" }, "every " + describeInterval(monitor.intervalSeconds) + " \u00b7 timeout " + monitor.timeoutSeconds + " s"),
        el("button", { class: "btn small", type: "button", onclick: () => removeMonitor(monitor) }, "Remove"))),
    el("div", { class: "uptime-grid" }, ...MONITOR_PERIODS.map((name) => {
      const w = (monitor.windows || {})[name] || {};
      return el("div", { "data-window": name },
        el("span", {}, "Uptime, " + WINDOW_LABELS[name]),
        el("b", {}, w.pings ? fmt.percent(w.uptime, 2) : "\u2013"),
        el("span", {}, w.pings ? fmt.number(w.pings) + " pings \u00b7 mean " + fmt.ms(w.meanResponseTimeMs) : "no pings"));
    })),
    el("div", { class: "strip", title: "Each block is one interval of the period: green up, red down, amber partly down" },
      ...series.map((b) => el("i", {
        class: b.pings === 0 ? "" : b.up === b.pings ? "up" : b.up === 0 ? "down" : "partial",
        title: new Date(b.t).toLocaleString("en-GB") + (b.pings ? ": " + b.up + "/" + b.pings + " up" : ": no pings"),
      }))),
    el("div", { class: "muted", style: "font-size:12px;margin-bottom:8px", "data-testid": "last-ping" }, lastText),
    el("div", { class: "chart", id: "chart-" + monitor.id, style: "min-height:170px" }),
    monitor.recentFailures && monitor.recentFailures.length
      ? el("details", {}, el("summary", { class: "muted", style: "cursor:pointer" }, "Recent failures (" + monitor.recentFailures.length + ")"),
        el("table", { class: "data", "data-testid": "failures" },
          el("tbody", {}, ...monitor.recentFailures.map((f) => el("tr", {},
            el("td", { style: "width:200px" }, fmt.dateTime(f.at)),
            el("td", {}, f.failure || "HTTP " + f.status))))))
      : null);
}

function describeInterval(seconds) {
  if (seconds % 3600 === 0) return seconds === 3600 ? "hour" : seconds / 3600 + " hours";
  if (seconds % 60 === 0) return seconds === 60 ? "minute" : seconds / 60 + " minutes";
  return seconds + " seconds";
}

function drawChart(monitor) {
  const container = document.getElementById("chart-" + monitor.id);
  const series = monitor.series || [];
  const xs = series.map((b) => b.t / 1000);
  const ys = series.map((b) => b.meanResponseTimeMs === null || b.meanResponseTimeMs === undefined ? null : b.meanResponseTimeMs);
  const plot = new uPlot({
    width: Math.max(300, container.clientWidth), height: 170,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, (max || 0) * 1.15)] } },
    axes: [
      { stroke: "#6b7385", grid: { stroke: "#f0f1f4" }, ticks: { stroke: "#e3e6eb" } },
      { stroke: "#6b7385", grid: { stroke: "#f0f1f4" }, ticks: { stroke: "#e3e6eb" }, size: 60,
        values: (u, splits) => splits.map((v) => Math.round(v) + " ms") },
    ],
    series: [{}, { label: "Mean response time", stroke: "#3b5bdb", width: 2, fill: "rgba(59,91,219,.08)", spanGaps: false,
      points: { show: xs.length <= 60, size: 4 } }],
  }, [xs, ys], container);
  plots.push(plot);
}

async function removeMonitor(monitor) {
  if (!window.confirm("Stop monitoring " + monitor.url + " and delete its pings?")) return;
  try {
    await api(Endpoints.monitors + "/" + monitor.id, { method: "DELETE" });
  } catch (e) {
    const errorBox = document.getElementById("error");
    errorBox.textContent = "Could not remove the monitor: " + e.message;
    errorBox.classList.remove("hidden");
  }
  load();
}

/** Destinations, rules and every delivery attempt, from GET /api/alerts. */
function renderAlerts(data) {
  const rulesFocused = document.activeElement && document.activeElement.closest("#rules-form");
  if (!rulesFocused) {
    document.getElementById("down-after").value = data.rules.downAfter;
    document.getElementById("error-rate").value = data.rules.errorRatePercent ?? "";
    document.getElementById("p95").value = data.rules.p95Ms ?? "";
  }
  document.getElementById("destination-add").disabled = data.destinations.length >= data.limit;
  const names = { json: "Generic JSON", slack: "Slack", teams: "Microsoft Teams" };
  document.getElementById("destinations").replaceChildren(data.destinations.length === 0
    ? el("div", { class: "muted" }, "No webhooks yet: alerts are decided but sent nowhere.")
    : el("table", { class: "data", "data-testid": "destinations" }, el("tbody", {}, ...data.destinations.map((d) => el("tr", { "data-destination": d.id },
      el("td", { class: "mono" }, d.url), el("td", { style: "width:160px" }, names[d.format] || d.format),
      el("td", { style: "width:90px" }, el("button", { class: "btn small", type: "button", onclick: () => removeDestination(d) }, "Remove")))))));
  const attempt = (a) => fmt.dateTime(a.at) + ": " + (a.error ? a.error : "HTTP " + a.status);
  document.getElementById("deliveries").replaceChildren(data.deliveries.length === 0
    ? el("div", { class: "muted" }, "No alerts sent yet.")
    : el("table", { class: "data", "data-testid": "deliveries" }, el("tbody", {}, ...data.deliveries.map((d) => el("tr", { "data-delivery": d.id, "data-state": d.state },
      el("td", { style: "width:170px" }, fmt.dateTime(d.createdAt)),
      el("td", { title: d.summary }, d.summary),
      el("td", { style: "width:90px" }, el("span", { class: "badge " + (d.state === "delivered" ? "up" : d.state === "failed" ? "down" : "unknown") }, d.state)),
      el("td", { style: "width:260px", title: d.attempts.map(attempt).join("\n"), "data-testid": "attempts" },
        d.attempts.length + (d.attempts.length === 1 ? " attempt" : " attempts")
          + (d.attempts.length ? ", last " + attempt(d.attempts[d.attempts.length - 1]) : "")))))));
}

async function removeDestination(destination) {
  if (!window.confirm("Stop sending alerts to " + destination.url + "?")) return;
  await alertsCall(() => api(Endpoints.alerts + "/destinations/" + destination.id, { method: "DELETE" }));
}

/** Runs a change to the alert settings, shows its error if any, and redraws. */
async function alertsCall(change) {
  const errorBox = document.getElementById("alerts-error");
  try {
    await change();
    errorBox.classList.add("hidden");
    renderAlerts(await api(Endpoints.alerts));
    return true;
  } catch (e) {
    errorBox.textContent = e.message;
    errorBox.classList.remove("hidden");
    return false;
  }
}

function bindControls() {
  document.getElementById("destination-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const url = document.getElementById("destination-url").value.trim();
    const ok = await alertsCall(() => api(Endpoints.alerts + "/destinations", { method: "POST",
      json: { url, format: document.getElementById("destination-format").value } }));
    if (ok) document.getElementById("destination-url").value = "";
  });
  document.getElementById("rules-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const number = (id) => document.getElementById(id).value === "" ? null : Number(document.getElementById(id).value);
    document.activeElement?.blur();
    await alertsCall(() => api(Endpoints.alerts + "/rules", { method: "POST",
      json: { downAfter: number("down-after"), errorRatePercent: number("error-rate"), p95Ms: number("p95") } }));
  });
  for (const button of document.querySelectorAll("#periods button")) {
    button.addEventListener("click", () => {
      period = button.dataset.period;
      history.replaceState(null, "", location.pathname + (period === "24h" ? "" : "?period=" + period));
      load();
    });
  }
  document.getElementById("add-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const errorBox = document.getElementById("add-error");
    const url = document.getElementById("url").value.trim();
    try {
      await api(Endpoints.monitors, { method: "POST", json: {
        url, method: document.getElementById("method").value,
        intervalSeconds: Number(document.getElementById("interval").value),
        timeoutSeconds: Number(document.getElementById("timeout").value),
      } });
      errorBox.classList.add("hidden");
      document.getElementById("url").value = "";
      load();
    } catch (e) {
      errorBox.textContent = e.message;
      errorBox.classList.remove("hidden");
    }
  });
  setInterval(() => { if (ApiKey.get() && !document.hidden) load(); }, 30000);
}

function showKeyForm(message) {
  document.getElementById("monitoring").classList.add("hidden");
  const holder = document.getElementById("key-form") || el("div", { id: "key-form" });
  document.getElementById("main").append(holder);
  renderKeyForm(holder, "Open uptime monitoring", () => { holder.remove(); start(); });
  document.body.dataset.state = "key-needed";
  if (message) {
    const notice = holder.querySelector(".notice.error");
    notice.textContent = message;
    notice.classList.remove("hidden");
  }
}

function start() {
  document.querySelector(".topbar")?.remove();
  renderTopbar("monitoring");
  if (!ApiKey.get()) {
    showKeyForm();
    return;
  }
  document.getElementById("monitoring").classList.remove("hidden");
  load();
}

bindControls();
start();
