// The guide's phone (/guide, 导办台): floor guides and 帮办 staff.
// - A guide signs in with a staff number and password (`guide_sign_in`): the server keeps the
//   sign-in with the connection, so the page signs in again after a reconnect (the password is
//   kept in memory only, for as long as the page is open).
// - Help requests raised at a kiosk's 需要帮助 button appear here, oldest first, with the
//   kiosk's name, the reason and how long the citizen has waited; a new one beeps. One guide
//   claims a request (the others see it taken), then closes it with a note.
// - A guide takes a ticket for a citizen (帮办): service choice, then the number, shown large to
//   tell the citizen. The clerk and the report see it marked as assisted.

import {
  $,
  HallConnection,
  SETTINGS,
  bindBanner,
  el,
  explain,
  isDefaultLanguage,
  onLanguageChange,
  pairedToken,
  setHallName,
  show,
  showKeyedMessage,
  t,
} from "./hall.js";
import { ServerClock, formatDuration } from "./serverclock.js";

const TOAST_MS = 5000;

const state = {
  hall: null,
  services: [],
  queues: new Map(), // queue id -> {name, waiting}
  help: new Map(), // open and claimed help requests, by id
  staff: null, // {number, name}: the guide signed in on this connection
  busy: new Set(), // actions waiting for their reply, e.g. "claim:<id>"
  closing: null, // the help request the close dialog is for
  issued: null, // {ticket, service, position}: the 帮办 ticket the ticket dialog shows
};

const token = pairedToken();
const connection = new HallConnection({ hello: () => ({ token, kind: "guide" }) });
const banner = bindBanner(connection);
const clock = new ServerClock(connection);
const sound = { context: null, beeps: 0 };
let credentials = null; // {staff, password}, memory only: to sign in again on a new connection
window.hall.connection = connection;
window.hallGuide = sound;

// --- signing in ---------------------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  const staff = $("#sign-in-staff").value.trim();
  const password = $("#sign-in-password").value;
  if (!staff || !password) return;
  unlockSound(); // a tap: the browser lets the page make sounds from now on
  $("#sign-in-submit").disabled = true;
  showKeyedMessage($("#sign-in-error"), null);
  try {
    const result = await connection.command("guide_sign_in", { staff, password });
    credentials = { staff, password };
    state.staff = result.staff;
    $("#sign-in-staff").value = "";
  } catch (error) {
    const key = error.code === "unauthorized" ? "guide.sign_in_failed" : `error.${error.code}`;
    showKeyedMessage($("#sign-in-error"), key);
  } finally {
    $("#sign-in-password").value = "";
    $("#sign-in-submit").disabled = false;
    render();
  }
}

/** A new connection starts signed out on the server: sign in again with what was typed. */
async function signInAgain() {
  if (!credentials) return;
  try {
    const result = await connection.command("guide_sign_in", credentials);
    state.staff = result.staff;
  } catch (error) {
    if (error.code === "offline" || error.code === "timeout") return; // the next welcome retries
    signOut();
    showKeyedMessage($("#sign-in-error"), "guide.sign_in_failed");
  }
  render();
}

function signOut() {
  credentials = null;
  state.staff = null;
  render();
  connection.reconnect(); // the server forgets the sign-in with the connection
}

// --- the hall's state ---------------------------------------------------------------------------

connection.on("snapshot", (snapshot, welcome) => {
  const allowed = SETTINGS.kinds ?? ["guide"];
  banner.setMessage(allowed.includes(welcome.device.kind) ? null : "conn.wrong_kind");
  state.hall = snapshot.hall;
  state.services = snapshot.services ?? [];
  state.queues = new Map((snapshot.queues ?? []).map((queue) => [queue.id, queue]));
  state.help = new Map((snapshot.help ?? []).map((help) => [help.id, help]));
  setHallName(snapshot.hall.name);
  render();
});

connection.on("welcome", () => signInAgain());

connection.on("event", ({ event, data }) => {
  if (event === "help.requested") {
    state.help.set(data.help.id, data.help);
    beep();
    toast(() => t("guide.new_request", { kiosk: data.help.kiosk.name }));
  } else if (event === "help.claimed") {
    state.help.set(data.help.id, data.help);
  } else if (event === "help.closed") {
    state.help.delete(data.help.id);
  } else if (event === "hall.day_started") {
    state.help.clear(); // help requests end with the day
  } else if (event === "ticket.issued") {
    countWaiting(data.waiting);
  } else {
    return;
  }
  render();
});

function countWaiting(waiting) {
  for (const [id, count] of Object.entries(waiting ?? {})) {
    const queue = state.queues.get(id);
    if (queue) queue.waiting = count;
  }
}

// --- commands -----------------------------------------------------------------------------------

async function act(key, name, args) {
  if (state.busy.has(key)) return null;
  state.busy.add(key);
  render();
  try {
    return await connection.command(name, args);
  } catch (error) {
    if (error.code === "unauthorized") signInAgain();
    toast(() => explain(error.code), "error");
    return null;
  } finally {
    state.busy.delete(key);
    render();
  }
}

async function claim(help) {
  const result = await act(`claim:${help.id}`, "claim_help", { help: help.id });
  if (result?.help) state.help.set(result.help.id, result.help);
  render();
}

function openClose(help) {
  state.closing = help;
  $("#close-title").textContent = t("guide.close_title", { kiosk: help.kiosk.name });
  $("#close-note").value = "";
  showKeyedMessage($("#close-error"), null);
  $("#close-dialog").showModal();
}

async function confirmClose(event) {
  event.preventDefault();
  const help = state.closing;
  if (!help) return;
  const note = $("#close-note").value.trim();
  const args = note ? { help: help.id, note } : { help: help.id };
  const result = await act(`close:${help.id}`, "close_help", args);
  if (!result) return;
  state.help.delete(help.id);
  state.closing = null;
  $("#close-dialog").close();
  toast(() => t("guide.closed"));
  render();
}

async function assist(service) {
  const result = await act(`issue:${service.id}`, "issue_ticket", {
    service: service.id,
    assisted: true,
  });
  if (!result) return;
  state.issued = { ticket: result.ticket, service, position: result.position ?? 0 };
  renderIssued();
  $("#ticket-dialog").showModal();
}

function renderIssued() {
  const issued = state.issued;
  if (!issued) return;
  $("#ticket-number").textContent = issued.ticket.number;
  $("#ticket-service").textContent = serviceName(issued.service);
  $("#ticket-ahead").textContent = t("guide.ticket_ahead", { count: issued.position });
}

/** A service's name in the page's language (its English name where the hall gives one). */
function serviceName(service) {
  return (!isDefaultLanguage() && service.name_en) || service.name;
}

// --- rendering ----------------------------------------------------------------------------------

function render() {
  const signedIn = Boolean(state.staff);
  show($("#sign-in"), !signedIn && connection.device !== null);
  show($("#desk"), signedIn);
  if (!signedIn) return;
  $("#guide-name").textContent = t("guide.signed_in", {
    name: state.staff.name,
    number: state.staff.number,
  });
  renderRequests();
  renderServices();
  renderIssued();
}

function renderRequests() {
  const requests = [...state.help.values()].sort((a, b) =>
    a.requested_at === b.requested_at ? a.id.localeCompare(b.id) : a.requested_at < b.requested_at ? -1 : 1,
  );
  $("#requests").replaceChildren(...requests.map(requestRow));
  const open = requests.filter((h) => h.state === "open").length;
  $("#requests-count").textContent = String(open);
  $("#requests-count").dataset.zero = String(open === 0);
  show($("#requests-empty"), requests.length === 0);
  tick();
}

function requestRow(help) {
  const mine = help.staff === state.staff.number;
  const row = el(
    "li",
    { class: "guide-request", dataset: { help: help.id, state: help.state, mine: String(mine) } },
    el(
      "div",
      { class: "guide-request-head" },
      el("span", { class: "guide-kiosk" }, help.kiosk.name),
      el("span", { class: "guide-waited", dataset: { since: help.requested_at } }),
    ),
    el("div", { class: "guide-reason" }, help.reason || t("guide.reason_none")),
    requestActions(help, mine),
  );
  return row;
}

function requestActions(help, mine) {
  if (help.state === "open") {
    return el(
      "div",
      { class: "guide-actions" },
      el(
        "button",
        {
          type: "button",
          class: "button button-primary guide-claim",
          disabled: state.busy.has(`claim:${help.id}`),
          onclick: () => claim(help),
        },
        t("guide.claim"),
      ),
    );
  }
  if (!mine) {
    return el("div", { class: "guide-taken" }, t("guide.claimed_by", { staff: help.staff }));
  }
  return el(
    "div",
    { class: "guide-actions" },
    el("span", { class: "guide-mine" }, t("guide.claimed_by_me")),
    el(
      "button",
      {
        type: "button",
        class: "button button-light guide-to-assist",
        onclick: () => $("#assist-title").scrollIntoView({ behavior: "smooth" }),
      },
      t("guide.issue_for"),
    ),
    el(
      "button",
      {
        type: "button",
        class: "button button-primary guide-close",
        disabled: state.busy.has(`close:${help.id}`),
        onclick: () => openClose(help),
      },
      t("guide.close"),
    ),
  );
}

function renderServices() {
  const buttons = state.services.map((service) => {
    const queue = state.queues.get(service.queue);
    return el(
      "button",
      {
        type: "button",
        class: "guide-service",
        dataset: { service: service.id },
        disabled: state.busy.has(`issue:${service.id}`),
        onclick: () => assist(service),
      },
      el("span", { class: "guide-service-name" }, serviceName(service)),
      queue ? el("span", { class: "guide-service-waiting" }, t("kiosk.waiting", { count: queue.waiting ?? 0 })) : null,
    );
  });
  $("#services").replaceChildren(...buttons);
}

/** Waiting times count up every second. */
function tick() {
  for (const node of document.querySelectorAll(".guide-waited")) {
    const seconds = clock.secondsSince(node.dataset.since);
    node.textContent = t("guide.waited", { time: formatDuration(seconds) });
    node.dataset.seconds = String(seconds ?? 0);
  }
}

// --- sound and toasts ---------------------------------------------------------------------------

function unlockSound() {
  if (sound.context) return;
  try {
    sound.context = new AudioContext();
  } catch {
    sound.context = null; // no audio on this phone: the list still shows every request
  }
}

function beep() {
  const context = sound.context;
  if (!context) return;
  sound.beeps += 1;
  for (const [index, start] of [0, 0.2].entries()) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = index === 0 ? 988 : 1319;
    gain.gain.value = 0.25;
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(context.currentTime + start);
    oscillator.stop(context.currentTime + start + 0.15);
  }
}

let toastTimer = null;
let toastText = null; // () => the toast's text in the current language

function toast(text, kind = "info") {
  const node = $("#toast");
  toastText = text;
  node.textContent = text();
  node.dataset.kind = kind;
  show(node, true);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => show(node, false), TOAST_MS);
}

onLanguageChange(() => {
  if (toastText) $("#toast").textContent = toastText();
});

// --- start --------------------------------------------------------------------------------------

$("#sign-in-form").addEventListener("submit", signIn);
$("#sign-out").addEventListener("click", signOut);
$("#close-form").addEventListener("submit", confirmClose);
$("#close-cancel").addEventListener("click", () => $("#close-dialog").close());
$("#ticket-done").addEventListener("click", () => $("#ticket-dialog").close());
onLanguageChange(render);
setInterval(tick, 1000);
connection.on("status", render);
connection.start();
render();
