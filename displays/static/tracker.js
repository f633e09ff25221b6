// The phone tracker (/t/{track}): one ticket's place in line, expected wait and, when it is
// called, a big "please go to window 5" with a beep and a vibration where the phone allows.
// "You will be called soon" only when it is near (NEAR_AHEAD tickets ahead or fewer); once
// finished, thanks (and thanks for the rating, where the pad's rating arrived while open).

import {
  $,
  SETTINGS,
  UNAUTHORIZED,
  HallConnection,
  bindBanner,
  currentLanguage,
  onLanguageChange,
  setHallName,
  show,
  t,
  waitText,
} from "./hall.js";
import { caseEvent, followCase } from "./tracker-case.js";

const track = SETTINGS.track;
const NEAR_AHEAD = 2; // "即将叫号" with at most this many tickets ahead, never with more
const state = {
  hall: null,
  ticket: null,
  number: null,
  position: null,
  eta: null,
  window: null,
  gone: false,
  invalid: false,
  services: new Map(),
  alerted: null, // the call (ticket id and call time) already announced
  notice: "",
  rated: false, // the ticket's rating arrived while the page was open
};

const connection = new HallConnection({ hello: () => ({ kind: "tracker", track }) });
bindBanner(connection, { unauthorized: "tracker.invalid" });
window.hall.connection = connection;

connection.on("snapshot", (snapshot) => {
  if (followCase(snapshot)) return setHallName(snapshot.hall.name); // a case's tracker
  state.hall = snapshot.hall;
  state.notice = snapshot.notice ?? "";
  setHallName(snapshot.hall.name);
  loadServiceNames(snapshot.hall.id);
  progress(snapshot, false);
});

connection.on("position", (message) => progress(message, true));

connection.on("event", ({ event, data }) => {
  if (caseEvent(event, data)) return;
  if (event === "hall.broadcast") {
    state.notice = data.text;
    render();
  } else if (event === "ticket.called" && data.ticket?.id === state.ticket?.id) {
    state.ticket = data.ticket;
    state.window = data.window;
    state.position = 0;
    state.eta = 0;
    render();
    alertCalled(true);
  } else if (event === "ticket.finished" && data.ticket?.id === state.ticket?.id) {
    state.ticket = data.ticket; // the server forgets a finished ticket: keep it to say thanks
    render();
  } else if (event === "rating.submitted" && data.ticket?.id === state.ticket?.id) {
    state.rated = true;
    render();
  }
});

connection.on("status", (status) => {
  state.invalid = status === UNAUTHORIZED;
  render();
});

function progress(message, live) {
  if (message.ticket) {
    state.ticket = message.ticket;
    state.number = message.ticket.number;
    state.gone = false;
  } else if (state.ticket?.state !== "finished") {
    state.gone = true;
  }
  state.position = message.position;
  state.eta = message.eta_seconds;
  state.window = message.window ?? null;
  render();
  if (live) alertCalled(false);
}

async function loadServiceNames(hall) {
  if (state.services.size) return;
  try {
    const response = await fetch(`/api/halls/${encodeURIComponent(hall)}/services`);
    if (!response.ok) return;
    const body = await response.json();
    for (const service of body.services ?? []) state.services.set(service.id, service);
    render();
  } catch {
    /* the service name is a nicety */
  }
}

// --- rendering ---------------------------------------------------------------------------------

function render() {
  const ticket = state.ticket;
  $("#track-number").textContent = state.number ?? "—";
  $("#track-service").textContent = ticket ? serviceName(state.services.get(ticket.service)) : "";
  const priority = $("#track-priority");
  show(priority, Boolean(ticket) && ticket.priority !== "normal");
  if (ticket) priority.textContent = t(`priority.${ticket.priority}`);
  const notice = $("#notice");
  notice.textContent = state.notice;
  show(notice, Boolean(state.notice));
  renderProgress();
}

function renderProgress() {
  const box = $("#track-progress");
  const status = $("#track-status");
  const ahead = $("#track-ahead");
  const wait = $("#track-wait");
  const go = $("#track-go");
  const ticket = state.ticket;
  const view = progressView();
  box.className = `card track-progress ${view.style}`;
  box.dataset.state = view.state;
  status.removeAttribute("data-i18n");
  status.textContent = view.status;
  show(ahead, view.state === "waiting");
  show(wait, view.state === "waiting");
  show(go, Boolean(view.go));
  go.textContent = view.go ?? "";
  box.dataset.near = String(view.near ?? false);
  if (view.state === "waiting") {
    ahead.textContent = t("print.ahead", { count: state.position ?? 0 });
    wait.textContent = trackerWait(view.near);
    show(wait, Boolean(wait.textContent));
  }
  show($("#track-alert-box"), Boolean(ticket) && !state.gone && ["waiting", "called"].includes(view.state));
}

function progressView() {
  const windowName = state.window?.name ?? "";
  if (state.invalid) return { state: "invalid", style: "track-warning", status: t("tracker.invalid") };
  if (!state.ticket && !state.gone) return { state: "loading", style: "", status: t("common.loading") };
  if (state.gone) return { state: "gone", style: "track-done", status: t("tracker.gone") };
  switch (state.ticket.state) {
    case "waiting":
      return isNear()
        ? { state: "waiting", style: "track-near", status: t("tracker.near"), near: true }
        : { state: "waiting", style: "", status: t("ticket.state.waiting"), near: false };
    case "called":
      return {
        state: "called",
        style: "track-called",
        status: t("tracker.called_title"),
        go: t("tracker.go_to", { window: windowName }),
      };
    case "serving":
      return { state: "serving", style: "track-done", status: t("tracker.serving", { window: windowName }) };
    case "finished":
      return {
        state: "finished",
        style: "track-done",
        status: t("tracker.finished"),
        go: state.rated ? t("tracker.rated") : null,
      };

    case "missed":
      return { state: "missed", style: "track-warning", status: t("tracker.missed") };
    case "parked":
      return { state: "parked", style: "track-warning", status: t("tracker.parked") };
    case "cancelled":
      return { state: "cancelled", style: "track-warning", status: t("tracker.cancelled") };
    default:
      return { state: state.ticket.state, style: "", status: t(`ticket.state.${state.ticket.state}`) };
  }
}

/** Near the front: at most NEAR_AHEAD tickets ahead. An expected wait under a minute with more
 * ahead (several windows, a fresh estimate) is not near: the citizen must not leave too late or
 * crowd the windows too early on a guess. */
function isNear() {
  return state.position !== null && state.position !== undefined && state.position <= NEAR_AHEAD;
}

/** The expected wait under the status: minutes, or "about 1 min" when not near yet; nothing
 * more when near (the status says it). */
function trackerWait(near) {
  if (state.eta !== null && state.eta !== undefined && state.eta < 60) {
    return near ? "" : t("tracker.wait_soon");
  }
  return waitText(state.eta, true);
}

/** A service's name in the page's language: its English name where the hall gives one. */
function serviceName(service) {
  if (!service) return "";
  return currentLanguage() === "en" && service.name_en ? service.name_en : service.name;
}

// --- alerts ------------------------------------------------------------------------------------

let audio = null;

function enableAlerts() {
  try {
    audio = audio ?? new AudioContext();
    audio.resume();
    beep(1);
  } catch {
    audio = null;
  }
  const button = $("#track-alerts");
  button.dataset.enabled = "true";
  button.dataset.i18n = "tracker.alerts_enabled";
  button.textContent = t("tracker.alerts_enabled");
}

/** Ring once per call: a new call, or a recall (`force`), of this ticket. */
function alertCalled(force) {
  if (state.ticket?.state !== "called") return;
  const key = `${state.ticket.id}:${state.window?.id}`;
  if (!force && state.alerted === key) return;
  state.alerted = key;
  beep(3);
  // Browsers allow vibration only after the citizen has touched the page once.
  const touched = !navigator.userActivation || navigator.userActivation.hasBeenActive;
  if (navigator.vibrate && touched) {
    try {
      navigator.vibrate([500, 200, 500, 200, 500]);
    } catch {
      /* not allowed here */
    }
  }
}

function beep(times) {
  if (!audio) return;
  const start = audio.currentTime + 0.05;
  for (let i = 0; i < times; i += 1) {
    const at = start + i * 0.45;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.6, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.32);
  }
}

$("#track-alerts").addEventListener("click", enableAlerts);
onLanguageChange(render);
render();
connection.start();
