// The ticket machine (取号机): services by category, the green channel, appointment check-in
// and 过号重取 (reactivating a missed ticket) on a keypad, the issued ticket with its QR code, an 80 mm printable ticket, live waiting
// counts, plain-language errors, and back to the menu after a while.
//
// Booking codes (queueing/booking_codes.py) are ten characters of CODE_ALPHABET, the last a check
// character; typed or scanned in either case, spaces and dashes ignored. A code whose check
// character is wrong is a typing mistake, shown at once. Codes of the first version (8 digits)
// are still taken.

import {
  $,
  DEFAULT_LANGUAGE,
  ONLINE,
  SETTINGS,
  HallConnection,
  bindBanner,
  el,
  explain,
  isDefaultLanguage,
  minutes,
  onLanguageChange,
  pairedToken,
  setHallName,
  setLanguage,
  show,
  t,
  waitText,
} from "./hall.js";

const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"; // no 0/O, no 1/I/L
const CODE_LENGTH = 10;
const LEGACY_CODE = /^[0-9]{8}$/;
const NUMBER_DIGITS = 4; // ticket numbers are A001..A999, then A1000 on a very busy day
const GREEN_CATEGORIES = ["elderly", "disabled", "pregnant", "military"];
const TICKET_SECONDS = SETTINGS.ticketSeconds ?? 30;
const ERROR_SECONDS = 15;
const IDLE_MS = 45000; // any screen but the menu goes back to it
const MENU_RESET_MS = 60000; // the menu forgets its category, green channel and language
const REFRESH_MS = 120000; // a fresh snapshot now and then refreshes expected waits
const SCAN_GAP_MS = 800; // a barcode scanner types a booking code faster than this per key
const AUTO_PRINT = new URLSearchParams(location.search).get("print") === "auto";

const state = {
  hall: null,
  queues: new Map(),
  services: [],
  windows: new Map(),
  notice: "",
  known: new Map(), // ticket id -> {state, queue}, for tickets seen since the snapshot
  category: null,
  green: null,
  screen: "home",
  keypad: "check_in", // or "reactivate": what the keypad screen types
  code: "",
  prefix: "",
  mistyped: false, // the typed booking code's check character is wrong
  result: null,
  busy: false,
};

const token = pairedToken();
const connection = new HallConnection({ hello: () => ({ token, kind: "kiosk" }) });
const banner = bindBanner(connection);
window.hall.connection = connection;

// --- the hall's state, from the snapshot and events --------------------------------------------

connection.on("snapshot", (snapshot, welcome) => {
  const allowed = SETTINGS.kinds ?? ["kiosk"];
  banner.setMessage(allowed.includes(welcome.device.kind) ? null : "conn.wrong_kind");
  state.hall = snapshot.hall;
  state.queues = new Map(snapshot.queues.map((queue) => [queue.id, { ...queue }]));
  state.services = snapshot.services;
  state.windows = new Map(snapshot.windows.map((window) => [window.id, window]));
  state.notice = snapshot.notice ?? "";
  state.known.clear();
  setHallName(state.hall.name);
  renderMenu();
  renderClock();
});

connection.on("event", ({ event, data }) => {
  if (event === "hall.configured" || event === "hall.day_started") {
    connection.resync(); // services, queues or the day changed: start from a fresh snapshot
    return;
  }
  if (event.startsWith("ticket.") && data.ticket) followTicket(event, data);
  if (event === "ticket.issued" && data.waiting) {
    for (const [queue, count] of Object.entries(data.waiting)) setWaiting(queue, count);
  } else if (event === "window.changed") {
    state.windows.set(data.window.id, { ...state.windows.get(data.window.id), ...data.window });
  } else if (event === "hall.broadcast") {
    state.notice = data.text;
    renderNotice();
  }
  renderCounts();
});

/** Keep the waiting counts exact: a ticket entering or leaving the waiting state moves its
 * queue's count. Where the state before an event cannot be known, ask for a snapshot. */
function followTicket(event, data) {
  const ticket = data.ticket;
  const before = state.known.get(ticket.id);
  let wasWaiting = false;
  let queueBefore = ticket.queue;
  if (before) {
    wasWaiting = before.state === "waiting";
    queueBefore = before.queue;
  } else if (event === "ticket.cancelled") {
    connection.resync(); // waiting, missed or parked before: only a snapshot tells
    return;
  } else if (event === "ticket.moved" || event === "ticket.prioritised") {
    wasWaiting = true; // a tablet moves or prioritises waiting tickets only
    queueBefore = data.from_queue?.id ?? ticket.queue;
  } else {
    wasWaiting = event === "ticket.called" && !data.recall;
  }
  state.known.set(ticket.id, { state: ticket.state, queue: ticket.queue });
  if (wasWaiting) addWaiting(queueBefore, -1);
  if (ticket.state === "waiting") addWaiting(ticket.queue, +1);
}

function setWaiting(queueId, count) {
  const queue = state.queues.get(queueId);
  if (queue) queue.waiting = Math.max(0, count);
}

function addWaiting(queueId, delta) {
  const queue = state.queues.get(queueId);
  if (queue) queue.waiting = Math.max(0, queue.waiting + delta);
}

function queueOf(service) {
  return service.queue ?? service.steps?.[0] ?? null;
}

function windowOpenFor(queueId) {
  for (const window of state.windows.values()) {
    if (window.status !== "closed" && window.status !== "paused" && queueId in (window.queues ?? {}))
      return true;
  }
  return false;
}

// --- the menu ----------------------------------------------------------------------------------

function categories() {
  const seen = [];
  for (const service of state.services) {
    if (!seen.includes(service.category)) seen.push(service.category);
  }
  return seen;
}

function categoryLabel(category) {
  return category || t("kiosk.category.other");
}

function renderMenu() {
  const all = categories();
  if (!all.includes(state.category)) state.category = all[0] ?? null;
  const nav = $("#categories");
  nav.replaceChildren(
    ...all.map((category) =>
      el(
        "button",
        {
          type: "button",
          class: category === state.category ? "category selected" : "category",
          "aria-pressed": category === state.category ? "true" : "false",
          onclick: () => {
            state.category = category;
            renderMenu();
          },
        },
        categoryLabel(category),
      ),
    ),
  );
  show(nav, all.length > 1);
  const services = state.services.filter((service) => service.category === state.category);
  const grid = $("#services");
  grid.replaceChildren(
    ...(services.length
      ? services.map((service) =>
          el(
            "button",
            {
              type: "button",
              class: "service",
              dataset: { service: service.id },
              onclick: () => issue(service),
            },
            el("span", { class: "service-name" }, service.name),
            el("span", { class: "service-meta" }, serviceMeta(service)),
          ),
        )
      : [el("p", { class: "empty" }, t("kiosk.no_services"))]),
  );
  renderGreen();
  renderNotice();
}

function serviceMeta(service) {
  const queue = state.queues.get(queueOf(service));
  if (!queue) return "";
  const parts = [t("kiosk.waiting", { count: queue.waiting })];
  if (queue.eta_new_s >= 60) parts.push(t("kiosk.eta", { minutes: minutes(queue.eta_new_s) }));
  return parts.join(" · ");
}

function renderCounts() {
  for (const button of document.querySelectorAll(".service[data-service]")) {
    const service = state.services.find((s) => s.id === button.dataset.service);
    if (service) button.querySelector(".service-meta").textContent = serviceMeta(service);
  }
}

function renderNotice() {
  const notice = $("#notice");
  notice.textContent = state.notice;
  show(notice, Boolean(state.notice));
}

function renderGreen() {
  const active = $("#green-active");
  show(active, state.green !== null);
  document.body.classList.toggle("green-mode", state.green !== null);
  if (state.green) {
    $("#green-active-text").textContent = t("kiosk.green_active", {
      category: t(`green.${state.green}`),
    });
  }
}

function renderGreenChoices() {
  $("#green-choices").replaceChildren(
    ...GREEN_CATEGORIES.map((category) =>
      el(
        "button",
        {
          type: "button",
          class: "green-choice",
          dataset: { green: category },
          onclick: () => {
            state.green = category;
            go("home");
          },
        },
        t(`green.${category}`),
      ),
    ),
  );
}

// --- screens and timeouts ----------------------------------------------------------------------

let countdown = null;
let idleTimer = null;

function go(screen) {
  state.screen = screen;
  for (const section of document.querySelectorAll(".screen")) {
    show(section, section.dataset.screen === screen);
  }
  stopCountdown();
  if (screen === "home") renderMenu();
  if (screen === "green") renderGreenChoices();
  if (screen === "keypad") renderKeypad();
  touched();
}

function goHome() {
  state.code = "";
  state.prefix = "";
  state.mistyped = false;
  state.result = null;
  go("home");
}

/** Any touch restarts the idle timer of the current screen. */
function touched() {
  clearTimeout(idleTimer);
  if (state.screen === "busy" || state.screen === "ticket" || state.screen === "error") return;
  if (state.screen !== "home") {
    idleTimer = setTimeout(goHome, IDLE_MS);
  } else if (state.green !== null || state.category !== categories()[0] || !isDefaultLanguage()) {
    idleTimer = setTimeout(resetMenu, MENU_RESET_MS);
  }
}

/** The next citizen finds the menu as it first was. */
function resetMenu() {
  state.green = null;
  state.category = null;
  if (!isDefaultLanguage()) setLanguage(DEFAULT_LANGUAGE);
  goHome();
}

function startCountdown(seconds, button, key) {
  stopCountdown();
  countdown = { left: seconds, button, key, timer: null };
  const tick = () => {
    renderCountdown();
    if (countdown.left <= 0) goHome();
    else countdown.left -= 1;
  };
  tick();
  countdown.timer = setInterval(tick, 1000);
}

function renderCountdown() {
  if (!countdown) return;
  countdown.button.textContent = t(countdown.key, { seconds: countdown.left });
  countdown.button.dataset.seconds = String(countdown.left);
}

function stopCountdown() {
  if (countdown) clearInterval(countdown.timer);
  countdown = null;
}

// --- taking a ticket ---------------------------------------------------------------------------

async function issue(service) {
  const args = { service: service.id };
  if (state.green) args.priority = "green";
  await submit("issue_ticket", args);
}

/** The weighted sum of a code's values, weights 10 down to 1, is a multiple of 31. */
function checksOut(code) {
  let total = 0;
  for (let i = 0; i < code.length; i += 1) {
    const value = CODE_ALPHABET.indexOf(code[i]);
    if (value < 0) return false;
    total += (CODE_LENGTH - i) * value;
  }
  return total % CODE_ALPHABET.length === 0;
}

/** A code long enough to send: this version's length, or a legacy code of 8 digits. */
function codeComplete(code) {
  return code.length === CODE_LENGTH || LEGACY_CODE.test(code);
}

async function checkIn() {
  if (!codeComplete(state.code)) return;
  if (!LEGACY_CODE.test(state.code) && !checksOut(state.code)) {
    state.mistyped = true; // stay on the keypad: the citizen corrects it
    if (state.screen === "keypad") renderKeypad();
    else go("keypad");
    return;
  }
  await submit("check_in", { booking_code: state.code });
}

/** "A" + "23" -> "A023": numbers are printed with at least three digits. */
function typedNumber() {
  return state.prefix + state.code.padStart(3, "0");
}

async function reactivate() {
  if (!state.prefix || !state.code) return;
  await submit("reactivate", { number: typedNumber() });
}

function submitKeypad() {
  if (state.keypad === "reactivate") reactivate();
  else checkIn();
}

async function submit(name, args) {
  if (state.busy) return;
  state.busy = true;
  go("busy");
  try {
    const result = await connection.command(name, args);
    state.green = null;
    showTicket({ ...result, reactivated: name === "reactivate" });
  } catch (error) {
    showError(error.code ?? "unknown");
  } finally {
    state.busy = false;
  }
}

function showTicket(result) {
  state.result = result;
  go("ticket");
  renderTicket();
  const url = `${location.origin}/t/${encodeURIComponent(result.track)}`;
  const qr = `/qr.svg?data=${encodeURIComponent(url)}`;
  const image = $("#ticket-qr");
  image.dataset.url = url;
  image.src = qr;
  const printQr = $("#print-qr");
  printQr.src = qr;
  renderPrint(result.print ?? []);
  if (AUTO_PRINT) printWhenReady();
  startCountdown(TICKET_SECONDS, $("#ticket-done"), "common.done_in");
}

function renderTicket() {
  const result = state.result;
  if (!result) return;
  const ticket = result.ticket;
  const service = state.services.find((s) => s.id === ticket.service);
  $("#ticket-service").textContent = service ? service.name : ticket.service;
  $("#ticket-number").textContent = ticket.number;
  const priority = $("#ticket-priority");
  show(priority, ticket.priority !== "normal" || result.reactivated);
  priority.textContent = result.reactivated ? t("print.reactivated") : t(`priority.${ticket.priority}`);
  $("#ticket-ahead").textContent = t("print.ahead", { count: result.position ?? 0 });
  $("#ticket-wait").textContent = waitText(result.eta_seconds, windowOpenFor(ticket.queue));
}

/** The 80 mm ticket: the server's lines, the number (third line) large, the QR code below. */
function renderPrint(lines) {
  $("#print-lines").replaceChildren(
    ...lines.map((line, index) =>
      el("div", { class: index === 2 ? "print-line print-number" : "print-line" }, line),
    ),
  );
}

function printWhenReady() {
  const image = $("#print-qr");
  if (image.complete && image.naturalWidth > 0) window.print();
  else image.addEventListener("load", () => window.print(), { once: true });
}

function showError(code) {
  $("#error-text").textContent = explain(code);
  $("#error-text").dataset.code = code;
  go("error");
  startCountdown(ERROR_SECONDS, $("#error-back"), "common.back_in");
}

// --- the keypad --------------------------------------------------------------------------------

function renderKeypad() {
  const reactivating = state.keypad === "reactivate";
  const prompt = $("#keypad-prompt");
  prompt.textContent = reactivating
    ? t("kiosk.reactivate_prompt")
    : state.mistyped
      ? t("kiosk.code_mistyped")
      : t("kiosk.check_in_prompt", { digits: CODE_LENGTH });
  prompt.classList.toggle("problem", !reactivating && state.mistyped);
  renderPrefixes(reactivating);
  renderLetters(!reactivating);
  const display = $("#code-display");
  const cells = reactivating ? [el("span", { class: state.prefix ? "cell filled" : "cell" }, state.prefix)] : [];
  const digits = reactivating ? NUMBER_DIGITS : CODE_LENGTH;
  for (let i = 0; i < digits; i += 1) {
    cells.push(el("span", { class: i < state.code.length ? "cell filled" : "cell" }, state.code[i] ?? ""));
  }
  display.replaceChildren(...cells);
  display.dataset.code = reactivating ? state.prefix + state.code : state.code;
  const submit = $("#check-in-submit");
  submit.textContent = t(reactivating ? "kiosk.reactivate_submit" : "kiosk.keypad.submit");
  submit.disabled = reactivating ? !state.prefix || !state.code : !codeComplete(state.code);
}

/** The letters of booking codes, to type one in (the digits are the keypad's). */
function renderLetters(visible) {
  const box = $("#keypad-letters");
  show(box, visible);
  if (!visible || box.childElementCount) return;
  box.replaceChildren(
    ...[...CODE_ALPHABET.replace(/[0-9]/g, "")].map((letter) =>
      el("button", { type: "button", class: "key key-letter", dataset: { key: letter } }, letter),
    ),
  );
}

/** The letters of the hall's numbers (one per queue prefix), to start a number with. */
function renderPrefixes(visible) {
  const box = $("#keypad-prefixes");
  show(box, visible);
  if (!visible) return;
  const prefixes = [...new Set([...state.queues.values()].map((queue) => queue.prefix))].sort();
  box.replaceChildren(
    ...prefixes.map((prefix) =>
      el(
        "button",
        {
          type: "button",
          class: prefix === state.prefix ? "prefix selected" : "prefix",
          "aria-pressed": prefix === state.prefix ? "true" : "false",
          dataset: { prefix },
          onclick: () => {
            state.prefix = prefix;
            renderKeypad();
          },
        },
        prefix,
      ),
    ),
  );
}

/** A character of a booking code: a digit, or a letter of the code alphabet (either case). */
function codeCharacter(key) {
  const upper = key.length === 1 ? key.toUpperCase() : "";
  return /^[0-9]$/.test(upper) || (upper && CODE_ALPHABET.includes(upper)) ? upper : null;
}

function pressKey(key) {
  const reactivating = state.keypad === "reactivate";
  const limit = reactivating ? NUMBER_DIGITS : CODE_LENGTH;
  state.mistyped = false;
  if (key === "clear") {
    state.code = "";
    state.prefix = "";
  } else if (key === "delete") {
    if (state.code) state.code = state.code.slice(0, -1);
    else state.prefix = "";
  } else if ((reactivating ? /^[0-9]$/.test(key) : codeCharacter(key)) && state.code.length < limit) {
    state.code += key.toUpperCase();
  }
  renderKeypad();
}

// A hardware keyboard or a barcode scanner (the booking page shows the code as a QR code; a
// scanner types it like a keyboard): a code then Enter checks in from the menu; on the keypad
// screen keys type into the code. Spaces and dashes between the characters are ignored.
let scanned = "";
let scannedAt = 0;

function onKey(event) {
  if (state.screen === "keypad") {
    const letter = event.key.toUpperCase();
    if (event.key === "Backspace") pressKey("delete");
    else if (event.key === "Enter") submitKeypad();
    else if (state.keypad === "reactivate" && [...state.queues.values()].some((q) => q.prefix === letter)) {
      state.prefix = letter;
      renderKeypad();
    } else if (codeCharacter(event.key)) pressKey(event.key);
    return;
  }
  if (state.screen !== "home") return;
  const now = Date.now();
  if (now - scannedAt > SCAN_GAP_MS) scanned = "";
  scannedAt = now;
  const character = codeCharacter(event.key);
  if (character) scanned += character;
  else if (event.key === "Enter" && codeComplete(scanned)) {
    state.code = scanned;
    state.keypad = "check_in";
    scanned = "";
    checkIn();
  }
}

// --- wiring ------------------------------------------------------------------------------------

function onAction(action) {
  if (action === "home") goHome();
  else if (action === "green") go("green");
  else if (action === "green-off") {
    state.green = null;
    renderGreen();
  } else if (action === "check-in" || action === "reactivate") {
    state.keypad = action === "reactivate" ? "reactivate" : "check_in";
    state.code = "";
    state.prefix = "";
    state.mistyped = false;
    go("keypad");
  } else if (action === "print") window.print();
}

function renderClock() {
  const zone = state.hall?.timezone;
  const options = {
    weekday: "short",
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  };
  try {
    $("#clock").textContent = new Intl.DateTimeFormat(document.documentElement.lang, {
      ...options,
      timeZone: zone,
    }).format(new Date());
  } catch {
    $("#clock").textContent = new Date().toLocaleTimeString();
  }
}

document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-action]");
  if (target) onAction(target.dataset.action);
  const key = event.target.closest("[data-key]");
  if (key) pressKey(key.dataset.key);
});
$("#check-in-submit").addEventListener("click", submitKeypad);
document.addEventListener("pointerdown", touched);
document.addEventListener("keydown", onKey);
onLanguageChange(() => {
  renderMenu();
  renderTicket();
  if (state.screen === "keypad") renderKeypad();
  if (state.screen === "green") renderGreenChoices();
  if (state.screen === "error") $("#error-text").textContent = explain($("#error-text").dataset.code);
  renderCountdown();
  renderClock();
  touched();
});

setInterval(renderClock, 10000);
setInterval(() => {
  if (state.screen === "home" && connection.status === ONLINE) connection.resync();
}, REFRESH_MS);
renderClock();
go("home");
if (token) connection.start();
else banner.setMessage("conn.unpaired");
