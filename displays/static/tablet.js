// The floor manager's tablet (/tablet, 现场管理): a manager signs in with a staff account of
// role `manager`; then the hall at a glance and the actions to steer it:
// - first screen: queue tiles coloured against the hall's service target (waiting, longest
//   wait, expected wait, service level, and how many more windows a queue with people waiting
//   needs); windows and their staff (status, clerk, ticket in hand, time in status, pause
//   reason), to open, close or give other queues; alerts, newest first, each acknowledged with
//   one tap (a sound for a new critical one), a bad rating's opening its follow-up;
// - below: the waiting tickets, to move to another queue or window or to put in the green
//   channel; a notice for the call screens; today's waiting and expected wait as a chart;
//   then the panels of other tablet modules (`#tablet-extra`); today's report.
// The hall's state comes from the snapshot and its events; the figures from `metrics` messages.
// Rows are keyed and updated in place (tablet-keyed.js), never replaced under a finger.
//
// Other tablet modules (a <script type="module"> each, their panel in #tablet-extra) use
// `window.hall.connection` (`on("event" | "metrics" | "snapshot", ...)`) and
// `window.hallTablet`: `command(name, args)` runs a command with the page's messages,
// `manager()` is the floor manager signed in (null when none); the page dispatches
// `hall:tablet-signed-in` / `hall:tablet-signed-out` on `document`, and
// `hall:open-follow-up` {followUp, ticket, alert} when a bad rating's alert is tapped.

import {
  $,
  HallConnection,
  ONLINE,
  SETTINGS,
  bindBanner,
  currentLanguage,
  el,
  explain,
  onLanguageChange,
  pairedToken,
  setHallName,
  show,
  showKeyedMessage,
  t,
} from "./hall.js";
import { drawChart } from "./chart.js";
import { createAlertRow, updateAlertRow } from "./tablet-alerts.js";
import { setClass, setData, setDisabled, setShown, setText, syncList } from "./tablet-keyed.js";
import { ServerClock, formatDuration } from "./serverclock.js";

const GONE = new Set(["finished", "cancelled"]);
const HALL_SERIES = "hall";
const TICKETS_SHOWN = 60;
const AMBER_SHARE = 2 / 3; // a wait past two thirds of the target turns a tile amber
const TOAST_MS = 6000;

const state = {
  hall: null,
  queues: new Map(),
  services: new Map(),
  windows: new Map(),
  tickets: new Map(), // every ticket in play, from the snapshot and the ticket events
  notice: "",
  metrics: null,
  metricsAtMs: 0,
  manager: null, // the floor manager signed in on this connection (the server forgets at close)
  alertsSeen: null, // ids of the alerts listed so far (null until the first metrics message)
  history: { day: null, stepMs: 60_000, series: new Map() },
  chartSeries: HALL_SERIES,
  filter: "",
  pending: new Set(), // actions waiting for their reply, e.g. "open_window:1"
};

const token = pairedToken();
const connection = new HallConnection({ hello: () => ({ token, kind: "tablet" }) });
const banner = bindBanner(connection);
const clock = new ServerClock(connection);
const sound = { context: null, beeps: 0 };
window.hall.connection = connection;
window.hallTablet = Object.assign(sound, {
  manager: () => state.manager,
  /** A command of another tablet module, with the page's messages; its result, or null. */
  command: (name, args, { key = `${name}:${JSON.stringify(args)}`, done = () => t("tablet.done.ok") } = {}) =>
    run(key, name, args, done),
});

// --- the signed-in manager ------------------------------------------------------------------
// The server keeps the sign-in with the connection: the hall-changing actions need it, and a new
// connection (a reload, a dropped network) starts signed out. So does the page.

function keepManager(manager) {
  const changed = Boolean(manager) !== Boolean(state.manager);
  state.manager = manager;
  if (!changed) return;
  const name = manager ? "hall:tablet-signed-in" : "hall:tablet-signed-out";
  document.dispatchEvent(new CustomEvent(name, { detail: { manager } }));
}

/** The server no longer has a manager on this connection: back to the sign-in screen. */
function signedOut(reason) {
  if (!state.manager) return;
  keepManager(null);
  showSignInError(reason);
  renderAll();
}

async function signIn(event) {
  event.preventDefault();
  const staff = $("#sign-in-staff").value.trim();
  const password = $("#sign-in-password").value;
  if (!staff || !password) return;
  $("#sign-in-submit").disabled = true;
  showSignInError(null);
  try {
    const result = await connection.command("manager_sign_in", { staff, password });
    keepManager(result.staff);
    $("#sign-in-staff").value = "";
  } catch (error) {
    const key = { unauthorized: "tablet.sign_in_failed", forbidden: "tablet.not_manager" }[error.code];
    showSignInError(key ?? `error.${error.code}`);
    $("#sign-in-password").focus();
  } finally {
    $("#sign-in-password").value = "";
    $("#sign-in-submit").disabled = false;
    renderAll();
  }
}

function showSignInError(key) {
  showKeyedMessage($("#sign-in-error"), key);
}

// --- the hall's state --------------------------------------------------------------------------

connection.on("snapshot", (snapshot, welcome) => {
  const allowed = SETTINGS.kinds ?? ["tablet"];
  banner.setMessage(allowed.includes(welcome.device.kind) ? null : "conn.wrong_kind");
  const dayChanged = state.hall?.day !== snapshot.hall.day;
  state.hall = snapshot.hall;
  state.queues = new Map(snapshot.queues.map((queue) => [queue.id, queue]));
  state.services = new Map(snapshot.services.map((service) => [service.id, service]));
  state.windows = new Map(snapshot.windows.map((window) => [window.id, window]));
  state.tickets = new Map((snapshot.tickets ?? []).map((ticket) => [ticket.id, ticket]));
  state.notice = snapshot.notice ?? "";
  setHallName(snapshot.hall.name);
  renderClock();
  if (dayChanged || !state.history.day) loadHistory();
  renderAll();
});

connection.on("event", ({ event, data }) => {
  if (event === "hall.configured" || event === "hall.day_started") {
    connection.resync(); // queues, windows or the day changed: start from a fresh snapshot
    return;
  }
  if (event.startsWith("ticket.") && data.ticket?.state) {
    if (GONE.has(data.ticket.state)) state.tickets.delete(data.ticket.id);
    else state.tickets.set(data.ticket.id, data.ticket);
  } else if (event === "window.changed") {
    const before = state.windows.get(data.window.id);
    state.windows.set(data.window.id, { ...before, ...data.window });
  } else if (event === "hall.broadcast") {
    state.notice = data.text;
  }
  scheduleRender();
});

connection.on("metrics", (message) => {
  clock.observe(message.at); // metrics messages are live: they set the server's time too
  state.metrics = message;
  state.metricsAtMs = Date.parse(message.at);
  noticeNewAlerts(message.alerts ?? []);
  extendHistory(message);
  scheduleRender();
});

function waitingTickets(queueId = null) {
  return [...state.tickets.values()].filter(
    (ticket) => ticket.state === "waiting" && (queueId === null || ticket.queue === queueId),
  );
}

function queueName(id) {
  return state.queues.get(id)?.name ?? id;
}

function windowName(id) {
  return state.windows.get(id)?.name ?? id;
}

// --- commands ----------------------------------------------------------------------------------

/** Run a command; a message says what happened. `key` marks the action busy meanwhile. */
async function run(key, name, args, done) {
  if (state.pending.has(key)) return null;
  state.pending.add(key);
  scheduleRender();
  try {
    const result = await connection.command(name, args);
    toast("ok", () => done(result));
    return result;
  } catch (error) {
    if (error.code === "unauthorized") signedOut("tablet.sign_in_again");
    else toast("error", () => explain(error.code ?? "unknown"));
    return null;
  } finally {
    state.pending.delete(key);
    scheduleRender();
  }
}

function openWindow(window) {
  run(`window:${window.id}`, "open_window", { window: window.id }, () =>
    t("tablet.done.open", { window: window.name }),
  );
}

function askCloseWindow(window) {
  const dialog = $("#close-dialog");
  dialog.dataset.window = window.id;
  labelCloseDialog();
  dialog.showModal();
}

function labelCloseDialog() {
  const window = state.windows.get($("#close-dialog").dataset.window);
  if (!window) return;
  $("#close-title").textContent = t("tablet.close_title", { window: window.name });
  $("#close-hint").textContent = window.clerk
    ? t("tablet.close_hint_staffed", { name: window.clerk })
    : t("tablet.close_hint");
}

function closeWindow() {
  const dialog = $("#close-dialog");
  dialog.close();
  const window = state.windows.get(dialog.dataset.window);
  if (!window) return;
  run(`window:${window.id}`, "close_window", { window: window.id }, () =>
    t("tablet.done.close", { window: window.name }),
  );
}

function prioritise(ticket) {
  run(`ticket:${ticket.id}`, "prioritise_ticket", { ticket: ticket.id }, () =>
    t("tablet.done.prioritise", { number: ticket.number }),
  );
}

function move(ticket, target) {
  $("#move-dialog").close();
  const where = target.to_queue ? queueName(target.to_queue) : windowName(target.to_window);
  run(`ticket:${ticket.id}`, "move_ticket", { ticket: ticket.id, ...target }, () =>
    t("tablet.done.move", { number: ticket.number, target: where }),
  );
}

async function broadcast(event) {
  event.preventDefault();
  const input = $("#broadcast-text");
  const text = input.value.trim();
  if (!text) return;
  const result = await run("broadcast", "broadcast", { text }, () => t("tablet.done.broadcast"));
  if (result) input.value = "";
}

function acknowledge(alert) {
  run(`alert:${alert.id}`, "ack_alert", { alert: alert.id }, () => t("tablet.done.ack"));
}

// --- dialogs -----------------------------------------------------------------------------------

function openQueuesDialog(window) {
  const dialog = $("#queues-dialog");
  dialog.dataset.window = window.id;
  $("#queues-error").dataset.key = "";
  show($("#queues-error"), false);
  $("#weight-rows").replaceChildren(
    ...[...state.queues.values()].map((queue) => {
      const weight = window.queues?.[queue.id];
      return el(
        "div",
        { class: "weight-row", dataset: { queue: queue.id } },
        el(
          "label",
          { class: "weight-check" },
          el("input", { type: "checkbox", checked: weight !== undefined }),
          el("span", {}, queue.name),
        ),
        el(
          "label",
          { class: "weight-field" },
          el("span", { class: "weight-label" }),
          el("input", {
            type: "number",
            min: "0.01",
            max: "100",
            step: "any",
            inputmode: "decimal",
            value: String(weight ?? 1),
          }),
        ),
      );
    }),
  );
  labelQueuesDialog();
  dialog.showModal();
}

function labelQueuesDialog() {
  const window = state.windows.get($("#queues-dialog").dataset.window);
  $("#queues-dialog-title").textContent = t("tablet.queues_title", { window: window?.name ?? "" });
  for (const label of document.querySelectorAll("#weight-rows .weight-label")) label.textContent = t("tablet.weight");
  const error = $("#queues-error");
  if (error.dataset.key) error.textContent = t(error.dataset.key);
}

function saveQueues(event) {
  event.preventDefault();
  const dialog = $("#queues-dialog");
  const window = state.windows.get(dialog.dataset.window);
  const queues = {};
  for (const row of document.querySelectorAll("#weight-rows .weight-row")) {
    if (!row.querySelector("input[type=checkbox]").checked) continue;
    const weight = Number(row.querySelector("input[type=number]").value);
    if (!(weight > 0 && weight <= 100)) return queuesError("tablet.weight_invalid");
    queues[row.dataset.queue] = weight;
  }
  if (!Object.keys(queues).length) return queuesError("tablet.queues_required");
  dialog.close();
  run(`window:${window.id}`, "set_window_queues", { window: window.id, queues }, () =>
    t("tablet.done.queues", { window: window.name }),
  );
}

function queuesError(key) {
  const node = $("#queues-error");
  node.dataset.key = key;
  node.textContent = t(key);
  show(node, true);
}

function openMoveDialog(ticket) {
  const dialog = $("#move-dialog");
  dialog.dataset.ticket = ticket.id;
  fillMoveDialog();
  dialog.showModal();
}

function fillMoveDialog() {
  const ticket = state.tickets.get($("#move-dialog").dataset.ticket);
  if (!ticket) return;
  $("#move-title").textContent = t("tablet.move_title", { number: ticket.number });
  const choice = (label, detail, target, disabled) =>
    el(
      "button",
      { type: "button", class: "choice dialog-choice", disabled, onclick: () => move(ticket, target) },
      label,
      detail ? el("small", {}, detail) : null,
    );
  $("#move-queues").replaceChildren(
    ...[...state.queues.values()].map((queue) =>
      choice(queue.name, null, { to_queue: queue.id }, queue.id === ticket.queue && !ticket.to_window),
    ),
  );
  $("#move-windows").replaceChildren(
    ...[...state.windows.values()].map((window) =>
      choice(window.name, t(`window.status.${window.status}`), { to_window: window.id }, window.id === ticket.to_window),
    ),
  );
}

// --- alerts and their sound ------------------------------------------------------------------

function unlockSound() {
  if (sound.context) return;
  try {
    sound.context = new AudioContext();
  } catch {
    sound.context = null; // no audio on this device: the list still shows every alert
  }
}

function beep() {
  const context = sound.context;
  if (!context) return;
  sound.beeps += 1;
  for (const [index, start] of [0, 0.25, 0.5].entries()) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = index === 1 ? 660 : 880;
    gain.gain.value = 0.2;
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(context.currentTime + start);
    oscillator.stop(context.currentTime + start + 0.18);
  }
}

function noticeNewAlerts(alerts) {
  const first = state.alertsSeen === null;
  const seen = state.alertsSeen ?? new Set();
  const fresh = alerts.filter((alert) => !seen.has(alert.id));
  state.alertsSeen = new Set(alerts.map((alert) => alert.id));
  if (!first && fresh.some((alert) => alert.severity === "critical" && alert.active)) beep();
}

// --- the day's history (the chart) -----------------------------------------------------------

async function loadHistory() {
  if (!state.hall || !token) return;
  try {
    const response = await fetch(`/api/halls/${encodeURIComponent(state.hall.id)}/metrics/history`, {
      headers: { Authorization: `Bearer ${token}` },
      cache: "no-store",
    });
    if (!response.ok) return;
    const body = await response.json();
    const series = new Map();
    for (const [name, points] of Object.entries(body.series)) {
      series.set(name, points.map(([at, waiting, eta]) => ({ t: Date.parse(at), waiting, eta })));
    }
    state.history = { day: body.day, stepMs: body.step_s * 1000, series };
    scheduleRender();
  } catch {
    /* offline: the chart fills in from the live figures */
  }
}

/** The figures of a `metrics` message as the current minute's points (as the server samples:
 * the hall's expected wait is the longest of any queue). */
function extendHistory(message) {
  const history = state.history;
  if (message.day !== history.day) {
    if (history.day !== null) loadHistory();
    history.day = message.day;
    history.series = new Map();
  }
  const minute = Math.floor(state.metricsAtMs / history.stepMs) * history.stepMs;
  const etas = [];
  for (const [id, queue] of Object.entries(message.queues ?? {})) {
    addPoint(id, { t: minute, waiting: queue.waiting, eta: queue.eta_new_s });
    if (queue.eta_new_s !== null && queue.eta_new_s !== undefined) etas.push(queue.eta_new_s);
  }
  const eta = etas.length ? Math.max(...etas) : null;
  addPoint(HALL_SERIES, { t: minute, waiting: message.hall?.waiting ?? 0, eta });
}

function addPoint(name, point) {
  const points = state.history.series.get(name) ?? [];
  const last = points.at(-1);
  if (last && last.t === point.t) points[points.length - 1] = point;
  else if (!last || last.t < point.t) points.push(point);
  state.history.series.set(name, points);
}

// --- today's report --------------------------------------------------------------------------

const REPORT_URL_MS = 10 * 60_000;

/** The report page with its stylesheets as blob: URLs: a tab opened from a blob: URL keeps this
 * page's content security policy, which allows no inline style but blob: stylesheets. (Plain
 * text work: parsing the page here would apply this page's policy to its styles.) */
function reportDocument(html, urls) {
  const linked = html.replace(/<style>([\s\S]*?)<\/style>/g, (whole, css) => {
    const url = URL.createObjectURL(new Blob([css], { type: "text/css" }));
    urls.push(url);
    return `<link rel="stylesheet" href="${url}">`;
  });
  return new Blob([linked], { type: "text/html" });
}

async function openReport() {
  if (!state.hall) return;
  const day = state.metrics?.day ?? state.hall.day;
  const hall = encodeURIComponent(state.hall.id);
  const path = `/api/halls/${hall}/reports/${day}?lang=${encodeURIComponent(currentLanguage())}`;
  try {
    const response = await fetch(path, { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
    if (response.status === 404) {
      toast("error", () => t("tablet.report_missing"));
      return;
    }
    if (!response.ok) {
      toast("error", () => t("tablet.report_failed"));
      return;
    }
    const urls = [];
    const url = URL.createObjectURL(reportDocument(await response.text(), urls));
    urls.push(url);
    setTimeout(() => urls.forEach((made) => URL.revokeObjectURL(made)), REPORT_URL_MS);
    if (!window.open(url, "_blank")) {
      toast("ok", () => el("a", { href: url, target: "_blank", rel: "noopener" }, t("tablet.report_open")));
    }
  } catch {
    toast("error", () => t("tablet.report_failed"));
  }
}

// --- rendering ---------------------------------------------------------------------------------

let renderQueued = false;

function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderAll();
  });
}

function renderAll() {
  const signedIn = Boolean(state.manager);
  show($("#sign-in"), !signedIn && Boolean(state.hall));
  show($("#desk"), signedIn && Boolean(state.hall));
  show($("#tablet-top"), signedIn);
  if (!signedIn) return;
  $("#top-manager").textContent = t("tablet.on_duty", { name: state.manager.name, number: state.manager.number });
  const notice = $("#notice");
  notice.textContent = state.notice ? t("tablet.notice_now", { text: state.notice }) : "";
  show(notice, Boolean(state.notice));
  $("#broadcast-current").textContent = state.notice ? "" : t("tablet.broadcast_none");
  $("#broadcast-submit").disabled = state.pending.has("broadcast");
  renderTarget();
  renderTiles();
  renderWindows();
  renderTickets();
  renderAlerts();
  renderChart();
  renderTimes();
}

function targetS() {
  return state.metrics?.service_target_s ?? null;
}

function renderTarget() {
  const target = targetS();
  $("#target-note").textContent = target === null ? "" : t("tablet.target", { minutes: formatMinutes(target) });
}

function formatMinutes(seconds) {
  const minutes = seconds / 60;
  return Number.isInteger(minutes) ? String(minutes) : minutes.toFixed(1);
}

/** green, amber or red: the worse of the longest wait and a new ticket's expected wait,
 * against the target; red too when people wait and no window is open for them. */
function level(figures, waiting, target) {
  if (!figures || target === null) return "none";
  if (waiting > 0 && figures.windows_open === 0) return "red";
  const worst = Math.max(waiting > 0 ? (figures.longest_wait_s ?? 0) : 0, figures.eta_new_s ?? 0);
  if (worst > target) return "red";
  if (worst > target * AMBER_SHARE) return "amber";
  return "green";
}

function etaText(seconds) {
  if (seconds === null || seconds === undefined) return t("tablet.eta_none");
  if (seconds < 60) return t("tablet.eta_soon");
  return t("tablet.minutes", { minutes: Math.round(seconds / 60) });
}

function percent(value) {
  return value === null || value === undefined ? "—" : `${Math.round(value * 100)}%`;
}

// Every list below is keyed (tablet-keyed.js): a row is made once and then updated in place,
// so a button never leaves the page from under a finger while the figures stream in.

function renderTiles() {
  const metrics = state.metrics?.queues ?? {};
  syncList($("#queue-tiles"), [...state.queues.values()], {
    key: (queue) => queue.id,
    create: createTile,
    update: (node, queue) => updateTile(node, queue, metrics[queue.id]),
  });
}

function createTile(queue) {
  const part = (tag, className) => el(tag, { class: className });
  return el(
    "article",
    { class: "queue-tile", dataset: { queue: queue.id } },
    el("header", { class: "queue-head" }, part("span", "queue-name")),
    el(
      "div",
      { class: "queue-waiting" },
      part("strong", "queue-count"),
      part("span", "queue-waiting-label"),
      part("span", "queue-level"),
    ),
    el(
      "dl",
      { class: "queue-figures" },
      figure("longest", true),
      figure("expected"),
      figure("service-level"),
      figure("windows-open"),
    ),
    el("p", { class: "queue-hint", hidden: true }),
  );
}

function figure(name, ticking = false) {
  return el(
    "div",
    { class: `queue-figure queue-${name}` },
    el("dt", {}),
    el("dd", ticking ? { class: "ticking" } : {}),
  );
}

function updateTile(node, queue, figures) {
  const waiting = waitingTickets(queue.id).length;
  const level_ = level(figures, waiting, targetS());
  setData(node, "level", level_);
  setText($(".queue-name", node), queue.name);
  setText($(".queue-level", node), level_ === "none" ? "" : t(`tablet.level.${level_}`));
  setText($(".queue-count", node), String(waiting));
  setText($(".queue-waiting-label", node), t("tablet.waiting_people"));
  const longest = waiting > 0 && figures ? state.metricsAtMs - figures.longest_wait_s * 1000 : null;
  const longestValue = $(".queue-longest dd", node);
  setClass(longestValue, longest === null ? "" : "ticking");
  setData(longestValue, "sinceMs", longest === null ? "" : longest);
  if (longest === null) setText(longestValue, "0:00");
  fillFigure(node, "longest", "tablet.longest");
  fillFigure(node, "expected", "tablet.expected", etaText(figures?.eta_new_s));
  fillFigure(node, "service-level", "tablet.service_level", percent(figures?.service_level ?? figures?.day_service_level));
  fillFigure(node, "windows-open", "tablet.windows_open", String(figures?.windows_open ?? 0));
  const short = waiting > 0 ? (figures?.windows_short ?? 0) : 0;
  const hint = $(".queue-hint", node);
  setShown(hint, short > 0);
  setData(hint, "short", String(short > 0));
  setText(hint, short > 0 ? t("tablet.windows_short", { count: short }) : "");
}

function fillFigure(tile, name, labelKey, value = null) {
  setText($(`.queue-${name} dt`, tile), t(labelKey));
  if (value !== null) setText($(`.queue-${name} dd`, tile), value);
}

function renderWindows() {
  syncList($("#window-rows"), [...state.windows.values()], {
    key: (window) => window.id,
    create: createWindowRow,
    update: updateWindowRow,
  });
}

function createWindowRow(window) {
  const id = window.id;
  const part = (tag, className, attrs = {}) => el(tag, { class: className, ...attrs });
  return el(
    "li",
    { class: "window-row", dataset: { window: id } },
    el(
      "div",
      { class: "window-main" },
      el(
        "div",
        { class: "window-title" },
        part("span", "window-name"),
        part("span", "status-chip"),
      ),
      el(
        "div",
        { class: "window-line" },
        part("span", "window-clerk"),
        part("span", "window-time ticking"),
        part("strong", "window-ticket-number"),
      ),
      part("div", "window-reason", { hidden: true }),
      part("div", "window-queues"),
    ),
    el(
      "div",
      { class: "window-actions" },
      part("button", "choice window-open", { type: "button", onclick: () => toggleWindow(id) }),
      part("button", "choice window-queues-edit", { type: "button", onclick: () => editQueues(id) }),
    ),
  );
}

function updateWindowRow(node, window) {
  const figures = state.metrics?.windows?.[window.id];
  const ticket = window.ticket_id ? state.tickets.get(window.ticket_id) : null;
  const busy = state.pending.has(`window:${window.id}`);
  const closed = window.status === "closed";
  setData(node, "status", window.status);
  setText($(".window-name", node), window.name);
  const chip = $(".status-chip", node);
  setData(chip, "status", window.status);
  setText(chip, t(`window.status.${window.status}`));
  setData($(".window-time", node), "since", window.since ?? "");
  setText(
    $(".window-clerk", node),
    window.clerk ? t("tablet.clerk", { name: window.clerk, number: window.clerk_number ?? "" }) : t("tablet.no_clerk"),
  );
  const number = ticket?.number ?? figures?.ticket ?? null;
  const numberNode = $(".window-ticket-number", node);
  setText(numberNode, number ?? "");
  setShown(numberNode, Boolean(number));
  const reason = $(".window-reason", node);
  setShown(reason, window.status === "paused");
  setText(reason, window.status === "paused" ? t("tablet.paused_reason", { reason: window.reason ?? "" }) : "");
  setText($(".window-queues", node), servedQueues(window));
  const toggle = $(".window-actions .choice", node);
  setClass(toggle, closed ? "choice window-open" : "choice choice-danger window-close");
  setText(toggle, t(closed ? "tablet.open_window" : "tablet.close_window"));
  setDisabled(toggle, busy);
  const edit = $(".window-queues-edit", node);
  setText(edit, t("tablet.edit_queues"));
  setDisabled(edit, busy);
}

function servedQueues(window) {
  return Object.entries(window.queues ?? {})
    .sort((a, b) => b[1] - a[1])
    .map(([id, weight]) => (weight === 1 ? queueName(id) : `${queueName(id)} ×${weight}`))
    .join(" · ");
}

function toggleWindow(id) {
  const window = state.windows.get(id);
  if (!window) return;
  if (window.status === "closed") openWindow(window);
  else askCloseWindow(window);
}

function editQueues(id) {
  const window = state.windows.get(id);
  if (window) openQueuesDialog(window);
}

function renderTickets() {
  const select = $("#ticket-filter");
  const options = [["", t("tablet.all_queues")], ...[...state.queues.values()].map((q) => [q.id, q.name])];
  if (select.options.length !== options.length || select.dataset.lang !== currentLanguage()) {
    select.replaceChildren(...options.map(([value, label]) => el("option", { value }, label)));
    select.dataset.lang = currentLanguage();
  }
  select.value = state.filter;
  const waiting = waitingTickets(state.filter || null).sort(
    (a, b) => Date.parse(a.issued_at) - Date.parse(b.issued_at) || a.id.localeCompare(b.id),
  );
  const shown = waiting.slice(0, TICKETS_SHOWN);
  syncList($("#ticket-rows"), shown, {
    key: (ticket) => ticket.id,
    create: createTicketRow,
    update: updateTicketRow,
    empty: () => t("tablet.no_tickets"),
  });
  const more = $("#tickets-more");
  setShown(more, waiting.length > shown.length);
  setText(more, t("tablet.more_tickets", { count: waiting.length - shown.length }));
}

function createTicketRow(ticket) {
  const id = ticket.id;
  const part = (tag, className, attrs = {}) => el(tag, { class: className, ...attrs });
  return el(
    "li",
    { class: "ticket-row", dataset: { ticket: id } },
    part("strong", "ticket-row-number"),
    el(
      "div",
      { class: "ticket-row-main" },
      part("span", "ticket-row-service"),
      el(
        "span",
        { class: "ticket-row-tags" },
        part("span", "tag tag-priority", { hidden: true }),
        part("span", "tag tag-window", { hidden: true }),
        part("span", "ticket-row-waited ticking"),
      ),
    ),
    el(
      "div",
      { class: "ticket-row-actions" },
      part("button", "choice ticket-move", { type: "button", onclick: () => withTicket(id, openMoveDialog) }),
      part("button", "choice ticket-prioritise", { type: "button", onclick: () => withTicket(id, prioritise) }),
    ),
  );
}

function updateTicketRow(node, ticket) {
  const busy = state.pending.has(`ticket:${ticket.id}`);
  const service = state.services.get(ticket.service)?.name ?? ticket.service;
  setData(node, "number", ticket.number);
  setText($(".ticket-row-number", node), ticket.number);
  setText($(".ticket-row-service", node), `${service} · ${queueName(ticket.queue)}`);
  const priority = $(".tag-priority", node);
  setShown(priority, ticket.priority !== "normal");
  setText(priority, ticket.priority !== "normal" ? t(`priority.${ticket.priority}`) : "");
  const target = $(".tag-window", node);
  setShown(target, Boolean(ticket.to_window));
  setText(target, ticket.to_window ? t("tablet.to_window_tag", { window: windowName(ticket.to_window) }) : "");
  setData($(".ticket-row-waited", node), "since", ticket.issued_at);
  const moveButton = $(".ticket-move", node);
  setText(moveButton, t("tablet.move"));
  setDisabled(moveButton, busy);
  const prioritiseButton = $(".ticket-prioritise", node);
  setText(prioritiseButton, t("tablet.prioritise"));
  setDisabled(prioritiseButton, busy || ticket.priority !== "normal");
}

function withTicket(id, action) {
  const ticket = state.tickets.get(id);
  if (ticket) action(ticket);
}

function renderAlerts() {
  const alerts = [...(state.metrics?.alerts ?? [])].sort(
    (a, b) => Date.parse(b.raised_at) - Date.parse(a.raised_at) || b.id.localeCompare(a.id),
  );
  syncList($("#alert-rows"), alerts, {
    key: (alert) => alert.id,
    create: (alert) => createAlertRow(alert, { acknowledge, openFollowUp }),
    update: (node, alert) =>
      updateAlertRow(node, alert, { busy: state.pending.has(`alert:${alert.id}`), timeZone: state.hall?.timezone }),
    empty: () => t("tablet.no_alerts"),
  });
  const top = $("#top-alerts");
  const critical = alerts.some((alert) => alert.severity === "critical" && alert.active);
  setData(top, "count", String(alerts.length));
  setData(top, "critical", String(critical));
  setText(top, t("tablet.alerts_count", { count: alerts.length }));
}

/** A bad rating's alert opens its follow-up: the page says so with a `hall:open-follow-up`
 * event (detail: `followUp`, the follow-up's id, or null when the figures do not list it yet;
 * `ticket`). The follow-up board (tablet-followups.js) listens, opens it and calls
 * `preventDefault()`; when nobody does, a message says the follow-up cannot be shown. */
function openFollowUp(alert) {
  const ticket = alert.subject;
  const listed = (state.metrics?.hall?.follow_ups ?? []).find((item) => item.ticket === ticket);
  const followUp = listed?.id ?? listed?.case ?? alert.params?.follow_up ?? null;
  const event = new CustomEvent("hall:open-follow-up", {
    detail: { followUp, ticket, alert: alert.id },
    cancelable: true,
  });
  if (document.dispatchEvent(event)) toast("error", () => t("tablet.follow_up_unavailable"));
}

function renderChart() {
  const select = $("#chart-series");
  const options = [[HALL_SERIES, t("tablet.whole_hall")], ...[...state.queues.values()].map((q) => [q.id, q.name])];
  if (select.options.length !== options.length || select.dataset.lang !== currentLanguage()) {
    select.replaceChildren(...options.map(([value, label]) => el("option", { value }, label)));
    select.dataset.lang = currentLanguage();
  }
  if (!options.some(([value]) => value === state.chartSeries)) state.chartSeries = HALL_SERIES;
  select.value = state.chartSeries;
  const container = $("#day-chart");
  if (container.hidden || !container.isConnected || $("#desk").hidden) return;
  const points = state.history.series.get(state.chartSeries) ?? [];
  const hour = 3600_000;
  const now = clock.now();
  const from = Math.floor((points[0]?.t ?? now - hour) / hour) * hour;
  const to = Math.max(Math.ceil(now / hour) * hour, from + 2 * hour);
  drawChart(
    container,
    { points, stepMs: state.history.stepMs, from, to },
    {
      timeZone: state.hall?.timezone,
      lang: currentLanguage(),
      labels: {
        waiting: t("tablet.chart_waiting"),
        eta: t("tablet.chart_eta"),
        empty: t("tablet.chart_empty"),
        summary: (point) =>
          t("tablet.chart_summary", { waiting: point.waiting, eta: etaText(point.eta) }),
      },
    },
  );
}

/** Live counters: time in status, time waited, the longest wait. */
function renderTimes() {
  for (const node of document.querySelectorAll(".ticking")) {
    let seconds = null;
    if (node.dataset.sinceMs) seconds = Math.max(0, Math.floor((clock.now() - Number(node.dataset.sinceMs)) / 1000));
    else if (node.dataset.since) seconds = clock.secondsSince(node.dataset.since);
    if (node.classList.contains("ticket-row-waited")) {
      node.textContent = seconds === null ? "" : t("tablet.waited", { time: formatDuration(seconds) });
    } else {
      node.textContent = seconds === null ? "" : formatDuration(seconds);
    }
  }
}

const toasts = { timer: null, content: null };

/** Show a short message; `content()` makes its text (or a link), again when the language
 * changes while it shows. */
function toast(kind, content) {
  const node = $("#toast");
  node.dataset.kind = kind;
  toasts.content = content;
  node.replaceChildren(content());
  show(node, true);
  clearTimeout(toasts.timer);
  toasts.timer = setTimeout(() => {
    toasts.content = null;
    show(node, false);
  }, TOAST_MS);
}

function renderClock() {
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  const now = new Date(clock.now());
  try {
    $("#clock").textContent = new Intl.DateTimeFormat(document.documentElement.lang, {
      ...options,
      timeZone: state.hall?.timezone,
    }).format(now);
  } catch {
    $("#clock").textContent = now.toLocaleTimeString();
  }
}

// --- wiring ------------------------------------------------------------------------------------

$("#sign-in-form").addEventListener("submit", signIn);
$("#sign-out").addEventListener("click", () => {
  keepManager(null);
  renderAll();
  connection.reconnect(); // a new connection: the server forgets the manager too
});
connection.on("status", (status) => {
  if (status !== ONLINE) signedOut("tablet.sign_in_again");
});
$("#broadcast-form").addEventListener("submit", broadcast);
$("#queues-form").addEventListener("submit", saveQueues);
$("#close-confirm").addEventListener("click", closeWindow);
$("#report-link").addEventListener("click", openReport);
$("#top-alerts").addEventListener("click", () => $("#alerts-section").scrollIntoView({ behavior: "smooth" }));
$("#ticket-filter").addEventListener("change", (event) => {
  state.filter = event.target.value;
  renderTickets();
  renderTimes();
});
$("#chart-series").addEventListener("change", (event) => {
  state.chartSeries = event.target.value;
  renderChart();
});
document.addEventListener("click", (event) => {
  const close = event.target.closest("[data-close]");
  if (close) close.closest("dialog").close();
});
// Browsers play sound only after the user touched the page: the first tap unlocks it.
document.addEventListener("pointerdown", unlockSound, { once: true });
document.addEventListener("keydown", unlockSound, { once: true });
new ResizeObserver(() => renderChart()).observe($("#day-chart"));
onLanguageChange(() => {
  renderAll();
  renderClock();
  if ($("#move-dialog").open) fillMoveDialog();
  if ($("#queues-dialog").open) labelQueuesDialog();
  if ($("#close-dialog").open) labelCloseDialog();
  if (toasts.content) $("#toast").replaceChildren(toasts.content());
  const error = $("#sign-in-error");
  if (error.dataset.key) showSignInError(error.dataset.key);
});
setInterval(renderTimes, 1000);
setInterval(renderClock, 10000);
renderAll();
renderClock();
if (token) connection.start();
else banner.setMessage("conn.unpaired");
