// The clerk terminal (/clerk, 窗口呼叫器) of one window: staff sign-in (上岗), then call next,
// recall, start, finish, no-show, transfer, park (容缺) and take back, pause with a reason and
// resume, sign out (离岗). Every action has a function key, shown on its button. The ticket in
// hand shows its waiting time live and, for a bundle (一件事), its steps; the side lists how
// many wait for this window and what is on hold here. The state comes from the snapshot and the
// hall's events; command results only make the message line.

import {
  $,
  DEFAULT_LANGUAGE,
  HallConnection,
  SETTINGS,
  bindBanner,
  el,
  explain,
  onLanguageChange,
  pairedToken,
  setHallName,
  show,
  showKeyedMessage,
  t,
} from "./hall.js";
import { bindCases } from "./clerk-case.js";
import { ServerClock, formatDuration } from "./serverclock.js";

/** What each window status lets the clerk do (the server has the last word). */
const ENABLED = {
  idle: new Set(["call_next", "pause", "unpark", "sign_out"]),
  calling: new Set(["recall", "start", "finish", "no_show", "transfer", "park"]),
  serving: new Set(["finish", "transfer", "park"]),
  paused: new Set(["resume", "sign_out"]),
  closed: new Set(),
};
const GONE = new Set(["finished", "cancelled"]);

const state = {
  hall: null,
  windowId: null,
  windows: new Map(),
  queues: new Map(),
  services: new Map(),
  tickets: new Map(), // every ticket in play, kept from the snapshot and the ticket events
  notice: "",
  busy: false,
  message: null, // {kind: "ok" | "error", key, params} or {kind: "error", code}
};

const token = pairedToken();
const connection = new HallConnection({ hello: () => ({ token, kind: "clerk" }) });
const banner = bindBanner(connection);
const clock = new ServerClock(connection);
window.hall.connection = connection;
bindCases(connection); // 办件: 受理 while serving, 送达 at the pickup window (clerk-case.js)

// --- the hall's state --------------------------------------------------------------------------

connection.on("snapshot", (snapshot, welcome) => {
  const allowed = SETTINGS.kinds ?? ["clerk"];
  const windowId = welcome.device.window;
  if (!allowed.includes(welcome.device.kind)) banner.setMessage("conn.wrong_kind");
  else banner.setMessage(windowId ? null : "clerk.no_window");
  state.hall = snapshot.hall;
  state.windowId = windowId;
  state.windows = new Map(snapshot.windows.map((window) => [window.id, window]));
  state.queues = new Map(snapshot.queues.map((queue) => [queue.id, queue]));
  state.services = new Map(snapshot.services.map((service) => [service.id, service]));
  state.tickets = new Map((snapshot.tickets ?? []).map((ticket) => [ticket.id, ticket]));
  state.notice = snapshot.notice ?? "";
  setHallName(snapshot.hall.name);
  render();
  renderClock();
});

connection.on("event", ({ event, data }) => {
  if (event === "hall.configured" || event === "hall.day_started") {
    connection.resync(); // queues, windows or the day changed: start from a fresh snapshot
    return;
  }
  if (event.startsWith("ticket.") && data.ticket) {
    if (GONE.has(data.ticket.state)) state.tickets.delete(data.ticket.id);
    else state.tickets.set(data.ticket.id, data.ticket);
  } else if (event === "window.changed") {
    const before = state.windows.get(data.window.id);
    state.windows.set(data.window.id, { ...before, ...data.window });
  } else if (event === "hall.broadcast") {
    state.notice = data.text;
  }
  render();
});

function myWindow() {
  return state.windows.get(state.windowId) ?? null;
}

function currentTicket() {
  const window = myWindow();
  return window?.ticket_id ? (state.tickets.get(window.ticket_id) ?? null) : null;
}

function parkedHere() {
  return [...state.tickets.values()].filter((tk) => tk.state === "parked" && tk.parked_by === state.windowId);
}

/** Tickets this window could call: its queues' waiting tickets not directed elsewhere, and
 * those directed to it. */
function waitingHere(queueId = null) {
  const window = myWindow();
  const serves = window?.queues ?? {};
  return [...state.tickets.values()].filter((tk) => {
    if (tk.state !== "waiting") return false;
    if (queueId !== null) return tk.queue === queueId && (!tk.to_window || tk.to_window === state.windowId);
    if (tk.to_window) return tk.to_window === state.windowId;
    return tk.queue in serves;
  });
}

// --- commands ----------------------------------------------------------------------------------

async function run(name, extra = {}) {
  if (state.busy || !state.windowId) return null;
  state.busy = true;
  renderActions();
  try {
    const result = await connection.command(name, { window: state.windowId, ...extra });
    state.message = { kind: "ok", ...doneMessage(name, result, extra) };
    return result;
  } catch (error) {
    state.message = { kind: "error", code: error.code ?? "unknown" };
    return null;
  } finally {
    state.busy = false;
    render();
  }
}

function doneMessage(name, result, extra) {
  const number = result?.ticket?.number ?? "";
  switch (name) {
    case "call_next":
      return result.ticket ? { key: "clerk.done.call_next", params: { number } } : { key: "clerk.done.nobody" };
    case "finish":
      if (result.ticket?.state === "waiting") {
        const queue = state.queues.get(result.ticket.queue)?.name ?? result.ticket.queue;
        return { key: "clerk.done.next_step", params: { number, queue } };
      }
      return { key: "clerk.done.finish", params: { number } };
    case "transfer": {
      const target = extra.to_queue
        ? (state.queues.get(extra.to_queue)?.name ?? extra.to_queue)
        : (state.windows.get(extra.to_window)?.name ?? extra.to_window);
      return { key: "clerk.done.transfer", params: { number, target } };
    }
    default:
      return { key: `clerk.done.${name}`, params: { number } };
  }
}

async function signIn(event) {
  event.preventDefault();
  const staff = $("#sign-in-staff").value.trim();
  const password = $("#sign-in-password").value;
  if (!staff || !password || state.busy || !state.windowId) return;
  state.busy = true;
  $("#sign-in-submit").disabled = true;
  showSignInError(null);
  try {
    await connection.command("sign_in", { window: state.windowId, staff, password });
    $("#sign-in-password").value = "";
    state.message = { kind: "ok", key: "clerk.done.sign_in" };
  } catch (error) {
    showSignInError(error.code === "unauthorized" ? "clerk.sign_in_failed" : `error.${error.code}`);
    $("#sign-in-password").value = "";
    $("#sign-in-password").focus();
  } finally {
    state.busy = false;
    $("#sign-in-submit").disabled = false;
    render();
  }
}

function showSignInError(key) {
  showKeyedMessage($("#sign-in-error"), key);
}

function onAction(name) {
  if (name === "transfer") openTransfer();
  else if (name === "pause") openPause();
  else if (name === "sign_out") $("#sign-out-dialog").showModal();
  else run(name);
}

// --- dialogs -----------------------------------------------------------------------------------

function openPause() {
  $("#pause-text").value = "";
  show($("#pause-error"), false);
  $("#pause-dialog").showModal();
}

function pauseWith(reason) {
  const text = reason.trim();
  if (!text) {
    const error = $("#pause-error");
    error.textContent = t("clerk.reason_required");
    show(error, true);
    return;
  }
  $("#pause-dialog").close();
  run("pause", { reason: text });
}

function openTransfer() {
  if (!fillTransfer()) return;
  $("#transfer-dialog").showModal();
}

/** The transfer dialog's title and choices for the ticket in hand; false when there is none. */
function fillTransfer() {
  const ticket = currentTicket();
  if (!ticket) return false;
  $("#transfer-title").textContent = t("clerk.transfer_title", { number: ticket.number });
  let index = 0;
  const option = (label, detail, args, disabled) => {
    index += 1;
    return el(
      "button",
      {
        type: "button",
        class: "choice dialog-choice",
        disabled,
        dataset: { option: String(index), args: JSON.stringify(args) },
        onclick: () => {
          $("#transfer-dialog").close();
          run("transfer", args);
        },
      },
      index <= 9 ? el("kbd", {}, String(index)) : null,
      " ",
      label,
      detail ? el("small", {}, detail) : null,
    );
  };
  $("#transfer-queues").replaceChildren(
    ...[...state.queues.values()].map((queue) =>
      option(queue.name, null, { to_queue: queue.id }, queue.id === ticket.queue && !ticket.to_window),
    ),
  );
  const others = [...state.windows.values()].filter((window) => window.id !== state.windowId);
  $("#transfer-windows").replaceChildren(
    ...others.map((window) => option(window.name, t(`window.status.${window.status}`), { to_window: window.id }, false)),
  );
  return true;
}

function openDialog() {
  return document.querySelector("dialog[open]");
}

function dialogKey(dialog, event) {
  if (!/^[1-9]$/.test(event.key) || event.target.tagName === "INPUT") return;
  const choices = [...dialog.querySelectorAll(".dialog-choice")];
  const choice = choices[Number(event.key) - 1];
  if (choice && !choice.disabled) {
    event.preventDefault();
    choice.click();
  }
}

// --- rendering ---------------------------------------------------------------------------------

function render() {
  const window = myWindow();
  const open = Boolean(window) && window.status !== "closed";
  $("#top-window").textContent = window?.name ?? "";
  const chip = $("#top-status");
  show(chip, Boolean(window));
  if (window) {
    chip.dataset.status = window.status;
    chip.textContent = t(`window.status.${window.status}`);
  }
  $("#top-clerk").textContent = open && window.clerk ? t("clerk.on_duty", { name: window.clerk }) : "";
  // Calls need a clerk signed in (hall rule require_sign_in): a window opened from the tablet,
  // or left by a clerk whose account was deactivated, asks for sign-in as a closed one does.
  const signIn = Boolean(window) && (!open || (!window.clerk && state.hall?.require_sign_in !== false));
  show($("#sign-in"), signIn);
  show($("#desk"), open && !signIn);
  if (signIn) $("#sign-in-window").textContent = window.name;
  const notice = $("#notice");
  notice.textContent = state.notice;
  show(notice, Boolean(state.notice));
  if (!open || signIn) return;
  const paused = $("#paused");
  show(paused, window.status === "paused");
  paused.textContent = t("clerk.paused", { reason: window.reason ?? "" });
  renderCurrent();
  renderActions();
  renderSide();
  renderMessage();
}

function renderCurrent() {
  const ticket = currentTicket();
  const box = $("#current");
  box.dataset.state = ticket?.state ?? "none";
  $("#current-number").textContent = ticket?.number ?? "—";
  show($("#current-empty"), !ticket);
  show($("#current-detail"), Boolean(ticket));
  if (!ticket) return;
  const service = state.services.get(ticket.service);
  $("#current-service").textContent = service?.name ?? ticket.service;
  $("#current-state").textContent = t(`ticket.state.${ticket.state}`);
  const priority = $("#current-priority");
  show(priority, ticket.priority !== "normal");
  priority.textContent = t(`priority.${ticket.priority}`);
  show($("#current-assisted"), Boolean(ticket.assisted)); // 帮办: a guide took the ticket for them
  renderSteps(ticket, service);
  renderTimes();
}

function renderSteps(ticket, service) {
  const steps = service?.steps ?? [];
  show($("#current-steps-box"), steps.length > 1);
  const at = steps.indexOf(ticket.queue);
  $("#current-steps").replaceChildren(
    ...steps.map((queueId, index) =>
      el(
        "li",
        { class: index === at ? "step current" : index < at ? "step done" : "step" },
        state.queues.get(queueId)?.name ?? queueId,
      ),
    ),
  );
}

function renderTimes() {
  const window = myWindow();
  const ticket = currentTicket();
  if (!window || !ticket) return;
  const sinceStatus = clock.secondsSince(window.since);
  let waited = clock.secondsSince(ticket.issued_at);
  if (ticket.state === "serving" && sinceStatus !== null) waited = Math.max(0, waited - sinceStatus);
  $("#current-waited").textContent = t("clerk.waited", { time: formatDuration(waited) });
  const elapsedKey = ticket.state === "serving" ? "clerk.serving_for" : "clerk.called_for";
  $("#current-elapsed").textContent = sinceStatus === null ? "" : t(elapsedKey, { time: formatDuration(sinceStatus) });
}

function renderActions() {
  const window = myWindow();
  const allowed = ENABLED[window?.status] ?? new Set();
  const parked = parkedHere().length > 0;
  for (const button of document.querySelectorAll(".clerk-action")) {
    const name = button.dataset.command;
    if (name === "pause") show(button, window?.status !== "paused");
    if (name === "resume") show(button, window?.status === "paused");
    let enabled = allowed.has(name) && !state.busy;
    if (name === "unpark") enabled = enabled && parked;
    button.disabled = !enabled;
  }
}

function renderSide() {
  const window = myWindow();
  const served = Object.entries(window?.queues ?? {}).sort((a, b) => b[1] - a[1]);
  $("#waiting-list").replaceChildren(
    ...served.map(([queueId]) =>
      el(
        "li",
        { class: "side-item", dataset: { queue: queueId } },
        el("span", {}, state.queues.get(queueId)?.name ?? queueId),
        el("strong", { class: "side-count" }, String(waitingHere(queueId).length)),
      ),
    ),
  );
  const total = $("#waiting-total");
  total.textContent = t("clerk.waiting_total", { count: waitingHere().length });
  total.dataset.count = String(waitingHere().length);
  const parked = parkedHere();
  $("#parked-list").replaceChildren(
    ...(parked.length
      ? parked.map((ticket) =>
          el(
            "li",
            { class: "side-item" },
            el(
              "button",
              {
                type: "button",
                class: "choice parked-ticket",
                dataset: { ticket: ticket.id },
                disabled: myWindow()?.status !== "idle" || state.busy,
                onclick: () => run("unpark", { ticket: ticket.id }),
              },
              ticket.number,
            ),
            el("span", {}, state.services.get(ticket.service)?.name ?? ""),
          ),
        )
      : [el("li", { class: "side-item side-empty" }, t("clerk.no_parked"))]),
  );
}

function renderMessage() {
  const node = $("#clerk-message");
  const message = state.message;
  show(node, Boolean(message));
  if (!message) return;
  node.dataset.kind = message.kind;
  node.textContent = message.code ? explain(message.code) : t(message.key, message.params ?? {});
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

document.addEventListener("keydown", (event) => {
  const dialog = openDialog();
  if (dialog) {
    dialogKey(dialog, event);
    return;
  }
  if ($("#desk").hidden) return;
  const button = [...document.querySelectorAll(".clerk-action")].find(
    (node) => node.dataset.shortcut === event.key && !node.hidden,
  );
  if (!button) return;
  event.preventDefault(); // F1 help, F5 reload: not on a clerk terminal
  if (!button.disabled) onAction(button.dataset.command);
});

document.addEventListener("click", (event) => {
  const action = event.target.closest(".clerk-action");
  if (action && !action.disabled) onAction(action.dataset.command);
  const close = event.target.closest("[data-close]");
  if (close) close.closest("dialog").close();
  const reason = event.target.closest("[data-reason]");
  // the reason is kept in the hall's language, whatever language the terminal shows
  if (reason) pauseWith(t(reason.dataset.reason, {}, DEFAULT_LANGUAGE));
});

$("#pause-form").addEventListener("submit", (event) => {
  event.preventDefault();
  pauseWith($("#pause-text").value);
});
$("#sign-out-confirm").addEventListener("click", () => {
  $("#sign-out-dialog").close();
  run("sign_out");
});
$("#sign-in-form").addEventListener("submit", signIn);
onLanguageChange(() => {
  render();
  renderClock();
  if ($("#transfer-dialog").open) fillTransfer();
  const error = $("#sign-in-error");
  if (error.dataset.key) showSignInError(error.dataset.key);
});
setInterval(renderTimes, 1000);
setInterval(renderClock, 10000);
render();
renderClock();
if (token) connection.start();
else banner.setMessage("conn.unpaired");
