// The rating pad (/pad, 好差评评价器) at one window. Idle, it shows the clerk (photo or
// initials, name, staff number) and the service in progress. When the window finishes a ticket
// (`rating.requested`) it asks for one of five levels; a low one (不满意, 非常不满意) asks for the
// reasons and an optional comment. Then thanks, and back to idle. Without a rating in the
// hall's rating time it goes back to idle by itself (the server expires the request).

import {
  $,
  DEFAULT_LANGUAGE,
  HallConnection,
  SETTINGS,
  bindBanner,
  explain,
  isDefaultLanguage,
  onLanguageChange,
  pairedToken,
  setHallName,
  setLanguage,
  show,
  t,
} from "./hall.js";
import { ServerClock } from "./serverclock.js";
import { renderAvatar } from "./staff.js";

const THANKS_SECONDS = SETTINGS.thanksSeconds ?? 8;
const LOW_SCORE = 2; // scores up to this ask for reasons (and open a follow-up case)
const DEFAULT_TIMEOUT_S = 120;
const HOLDING = new Set(["ticket.called", "ticket.serving", "ticket.unparked"]);
const RELEASING = new Set([
  "ticket.finished",
  "ticket.no_show",
  "ticket.parked",
  "ticket.transferred",
  "ticket.cancelled",
  "ticket.expired",
]);

const state = {
  hall: null,
  window: null,
  ticket: null, // the ticket in hand at the window
  services: new Map(),
  rating: null, // {ticket {id, number}, expiresAt (server time, ms)}
  screen: "idle",
  score: null,
  reasons: new Set(),
  busy: false,
  error: null,
};

const token = pairedToken();
const connection = new HallConnection({ hello: () => ({ token, kind: "rating_pad" }) });
const banner = bindBanner(connection);
const clock = new ServerClock(connection);
window.hall.connection = connection;

connection.on("snapshot", (snapshot, welcome) => {
  const allowed = SETTINGS.kinds ?? ["rating_pad"];
  banner.setMessage(allowed.includes(welcome.device.kind) && snapshot.window ? null : "conn.wrong_kind");
  state.hall = snapshot.hall;
  state.window = snapshot.window;
  state.ticket = snapshot.window?.ticket ?? null;
  setHallName(snapshot.hall.name);
  loadServiceNames(snapshot.hall.id);
  const pending = snapshot.rating;
  if (pending && pending.ticket.id !== state.rating?.ticket.id) {
    ask(pending.ticket, Date.parse(pending.expires_at));
  } else if (!pending && state.rating && state.screen !== "thanks") {
    goIdle(); // rated or expired while this pad was away
  }
  render();
});

connection.on("event", ({ event, data }) => {
  if (event === "hall.configured" || event === "hall.day_started") {
    connection.resync();
    return;
  }
  const mine = state.window?.id;
  if (event === "window.changed" && data.window.id === mine) {
    state.window = { ...state.window, ...data.window };
    if (data.window.ticket_id === null) state.ticket = null;
  } else if (HOLDING.has(event) && data.window?.id === mine) {
    state.ticket = data.ticket;
  } else if (RELEASING.has(event) && data.ticket?.id === state.ticket?.id) {
    state.ticket = null;
  } else if (event === "rating.requested" && data.window?.id === mine) {
    ask(data.ticket, Date.parse(data.requested_at) + timeoutSeconds() * 1000);
  } else if (event === "rating.submitted" || event === "rating.expired") {
    const id = data.ticket?.id ?? data.ticket_id;
    if (state.rating?.ticket.id === id && state.screen !== "thanks") goIdle();
  }
  render();
});

function timeoutSeconds() {
  return state.hall?.rating_timeout_seconds ?? DEFAULT_TIMEOUT_S;
}

async function loadServiceNames(hall) {
  if (state.services.size) return;
  try {
    const response = await fetch(`/api/halls/${encodeURIComponent(hall)}/services`);
    if (!response.ok) return;
    const body = await response.json();
    for (const service of body.services ?? []) state.services.set(service.id, service.name);
    render();
  } catch {
    /* the service name is a nicety */
  }
}

// --- the rating ----------------------------------------------------------------------------------

function ask(ticket, expiresAt) {
  if (!(expiresAt > clock.now())) return; // too late: the server expires it
  state.rating = { ticket, expiresAt };
  state.score = null;
  state.reasons.clear();
  $("#pad-comment").value = "";
  go("rate");
}

function choose(score) {
  if (!state.rating || state.busy) return;
  state.score = score;
  if (score > LOW_SCORE) submit();
  else go("reasons");
}

function toggleReason(key) {
  if (state.reasons.has(key)) state.reasons.delete(key);
  else state.reasons.add(key);
  renderReasons();
}

async function submit() {
  const rating = state.rating;
  if (!rating || state.busy) return;
  const args = { ticket: rating.ticket.id, score: state.score };
  if (state.score <= LOW_SCORE) {
    // the hall's reports read the reasons in the hall's language, whatever the citizen reads
    args.reasons = [...state.reasons].map((key) => t(key, {}, DEFAULT_LANGUAGE));
    const comment = $("#pad-comment").value.trim();
    if (comment) args.comment = comment;
  }
  state.busy = true;
  setError(null);
  renderBusy();
  try {
    await connection.command("rate", args);
    thank(state.score <= LOW_SCORE);
  } catch (error) {
    if (error.code === "no_rating_pending" || error.code === "not_your_window") goIdle();
    else setError(error.code);
  } finally {
    state.busy = false;
    renderBusy();
  }
}

let thanksTimer = null;

function thank(low) {
  state.rating = null;
  show($("#pad-thanks-low"), low);
  go("thanks");
  clearTimeout(thanksTimer);
  thanksTimer = setTimeout(goIdle, THANKS_SECONDS * 1000);
}

function goIdle() {
  clearTimeout(thanksTimer);
  state.rating = null;
  state.score = null;
  state.reasons.clear();
  setError(null);
  if (!isDefaultLanguage()) setLanguage(DEFAULT_LANGUAGE); // the next citizen starts in Chinese
  go("idle");
}

function tick() {
  if (!state.rating || (state.screen !== "rate" && state.screen !== "reasons")) return;
  const left = Math.ceil((state.rating.expiresAt - clock.now()) / 1000);
  if (left <= 0) goIdle();
  else renderCountdown(left);
}

// --- rendering -----------------------------------------------------------------------------------

function go(screen) {
  state.screen = screen;
  document.body.dataset.screen = screen;
  for (const section of document.querySelectorAll(".pad-screen")) {
    show(section, section.dataset.screen === screen);
  }
  render();
  tick();
}

function render() {
  renderIdle();
  if (state.rating) $("#pad-rate-ticket").textContent = t("pad.ticket", { number: state.rating.ticket.number });
  if (state.screen === "reasons") renderReasons();
}

function renderIdle() {
  const window = state.window;
  const open = Boolean(window) && window.status !== "closed";
  $("#pad-window-name").textContent = window?.name ?? "";
  const clerk = open && Boolean(window.clerk);
  renderAvatar($("#pad-photo"), $("#pad-initials"), clerk ? window : null, state.hall?.id);
  $("#pad-clerk-name").textContent = clerk ? window.clerk : "";
  $("#pad-clerk-number").textContent =
    clerk && window.clerk_number ? t("window_screen.staff_number", { number: window.clerk_number }) : "";
  $("#pad-welcome").textContent = open ? t("pad.welcome") : t("pad.closed");
  const ticket = open ? state.ticket : null;
  show($("#pad-serving"), Boolean(ticket));
  show($("#pad-hint"), open);
  if (ticket) {
    const service = state.services.get(ticket.service) ?? "";
    const serving = ticket.state === "serving";
    $("#pad-serving").dataset.state = ticket.state;
    $("#pad-serving-service").textContent = serving
      ? t("pad.serving", { service })
      : t("pad.calling", { number: ticket.number });
    $("#pad-serving-number").textContent = ticket.number;
  }
}

function renderReasons() {
  const score = state.score ?? LOW_SCORE;
  $("#pad-reasons-title").textContent = t(`rating.${score}`);
  $("#pad-reasons-title").dataset.score = String(score);
  for (const button of document.querySelectorAll(".pad-reason")) {
    const on = state.reasons.has(button.dataset.reason);
    button.classList.toggle("selected", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  renderBusy();
}

function renderBusy() {
  $("#pad-submit").disabled = state.busy || state.reasons.size === 0;
  for (const button of document.querySelectorAll(".pad-level")) button.disabled = state.busy;
}

function renderCountdown(left) {
  for (const node of document.querySelectorAll("[data-countdown]")) {
    node.textContent = t("pad.time_left", { seconds: left });
  }
}

function setError(code) {
  state.error = code;
  const node = $("#pad-error");
  show(node, Boolean(code));
  node.textContent = code ? explain(code) : "";
}

// --- wiring --------------------------------------------------------------------------------------

document.addEventListener("click", (event) => {
  const level = event.target.closest("[data-score]");
  if (level) choose(Number(level.dataset.score));
  const reason = event.target.closest("[data-reason]");
  if (reason) toggleReason(reason.dataset.reason);
});
$("#pad-submit").addEventListener("click", submit);
$("#pad-back").addEventListener("click", () => go("rate"));
onLanguageChange(() => {
  render();
  tick();
  if (state.error) setError(state.error);
});
setInterval(tick, 1000);
go("idle");
if (token) connection.start();
else banner.setMessage("conn.unpaired");
