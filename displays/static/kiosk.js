// The ticket machine (取号机): services by category, the green channel, appointment check-in
// and 过号重取 (reactivating a missed ticket) on a keypad, the issued ticket with its QR code, an
// 80 mm printable ticket, live waiting counts, plain-language errors, and back to the menu after
// a while. The controls sit in the lower part of the screen, in reach standing or seated (the
// page's layout, hall.css). 关怀模式 (for senior citizens): larger text, four services a screen,
// and the choices and the result read aloud; it lasts one visit (off again when idle). A code
// scanned anywhere (scanners type like a keyboard, fast, then Enter) checks in at once.
//
// Printing: `?print=auto` prints each ticket (window.print(); Chromium started with
// `--kiosk-printing` prints without a dialog, docs/deploy.md); "please take your ticket" shows
// only once the print is done (`afterprint`).
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
  currentLanguage,
  explain,
  hasText,
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
import { speakText, spokenNumber } from "./voice.js";

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
const SCAN_GAP_MS = 70; // a scanner types faster than this per key; a person does not
const CARE_PAGE_SIZE = 4; // services on one screen in 关怀模式
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
  care: false, // 关怀模式: large text, fewer choices, voice
  page: 0, // the screen of services shown in 关怀模式
  printing: "none", // the ticket's print: "none", "printing" or "done"
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

/** A service's name in the page's language: its English name where the hall gives one. */
function serviceName(service) {
  return currentLanguage() === "en" && service.name_en ? service.name_en : service.name;
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
            state.page = 0;
            renderMenu();
            speakMenu();
          },
        },
        categoryLabel(category),
      ),
    ),
  );
  show(nav, all.length > 1);
  const services = shownServices();
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
            el("span", { class: "service-name" }, serviceName(service)),
            el("span", { class: "service-meta" }, serviceMeta(service)),
          ),
        )
      : [el("p", { class: "empty" }, t("kiosk.no_services"))]),
  );
  renderPager();
  renderCare();
  renderGreen();
  renderNotice();
}

function categoryServices() {
  return state.services.filter((service) => service.category === state.category);
}

function pageCount() {
  return state.care ? Math.max(1, Math.ceil(categoryServices().length / CARE_PAGE_SIZE)) : 1;
}

/** The services on screen: the whole category, or one page of it in 关怀模式. */
function shownServices() {
  const services = categoryServices();
  if (!state.care) return services;
  state.page = Math.min(state.page, pageCount() - 1);
  return services.slice(state.page * CARE_PAGE_SIZE, (state.page + 1) * CARE_PAGE_SIZE);
}

function renderPager() {
  const pages = pageCount();
  show($("#pager"), pages > 1);
  $("#pager-text").textContent = t("kiosk.page_of", { page: state.page + 1, pages });
  $("[data-action='page-previous']").disabled = state.page === 0;
  $("[data-action='page-next']").disabled = state.page >= pages - 1;
}

function turnPage(step) {
  state.page = Math.max(0, Math.min(pageCount() - 1, state.page + step));
  renderMenu();
  speakMenu();
}

function renderCare() {
  document.body.classList.toggle("care-mode", state.care);
  const toggle = $("#care-toggle");
  toggle.setAttribute("aria-pressed", state.care ? "true" : "false");
  $("#care-title").dataset.i18n = state.care ? "kiosk.care_off" : "kiosk.care";
  $("#care-title").textContent = t(state.care ? "kiosk.care_off" : "kiosk.care");
}

function toggleCare() {
  state.care = !state.care;
  state.page = 0;
  renderMenu();
  touched();
  if (state.care) speak(`${t("kiosk.voice.care_on")}。${menuSpeech()}`);
  else window.speechSynthesis?.cancel();
}

// --- voice (关怀模式 only) -----------------------------------------------------------------------

function speak(text) {
  if (state.care) speakText(text, document.documentElement.lang);
}

function menuSpeech() {
  const choices = shownServices().map((service) => {
    const queue = state.queues.get(queueOf(service));
    return t("kiosk.voice.choice", { name: serviceName(service), count: queue?.waiting ?? 0 });
  });
  return t("kiosk.voice.menu", { choices: choices.join("；") });
}

function speakMenu() {
  speak(menuSpeech());
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
  } else if (
    state.green !== null ||
    state.care ||
    state.category !== categories()[0] ||
    !isDefaultLanguage()
  ) {
    idleTimer = setTimeout(resetMenu, MENU_RESET_MS);
  }
}

/** The next citizen finds the menu as it first was. */
function resetMenu() {
  state.green = null;
  state.category = null;
  state.care = false;
  state.page = 0;
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

/** A code typed on the keypad or scanned anywhere: the one place a code enters the kiosk.
 * A code whose check character is wrong stays on the keypad to be corrected; any other is
 * tried as a booking code (`check_in` with `booking_code`). */
async function codeEntered(code) {
  state.keypad = "check_in";
  state.code = code;
  state.prefix = "";
  state.mistyped = false;
  if (!codeComplete(code)) return;
  if (!LEGACY_CODE.test(code) && !checksOut(code)) {
    state.mistyped = true; // the citizen corrects it on the keypad
    if (state.screen === "keypad") renderKeypad();
    else go("keypad");
    return;
  }
  // The place to try a code that is not a booking as another kind of code.
  await submit("check_in", { booking_code: code }, (error) => pickupCode(error, code));
}

/** 办件 出证: a code that is no booking may be a ready case's pickup code; its ticket waits in the
 * pickup queue. A code that is neither keeps the booking's refusal (retype it). */
async function pickupCode(bookingError, code) {
  if (bookingError.code !== "unknown_booking") throw bookingError;
  try {
    return await connection.command("check_in", { case_code: code });
  } catch (error) {
    throw error.code === "unknown_case" ? bookingError : error;
  }
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
  else codeEntered(state.code);
}

async function submit(name, args, otherwise = null) {
  if (state.busy) return;
  state.busy = true;
  go("busy");
  try {
    const result = await connection.command(name, args).catch((error) => {
      if (!otherwise) throw error;
      return otherwise(error); // a refusal another command may answer (a pickup code)
    });
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
  state.printing = "none";
  renderPrintHint();
  speak(ticketSpeech(result));
  if (AUTO_PRINT) printWhenReady();
  startCountdown(TICKET_SECONDS, $("#ticket-done"), "common.done_in");
}

function queueArea(queueId) {
  return state.queues.get(queueId)?.area ?? "";
}

function ticketSpeech(result) {
  const area = queueArea(result.ticket.queue);
  return t("kiosk.voice.ticket", {
    number: spokenNumber(result.ticket.number, document.documentElement.lang),
    count: result.position ?? 0,
    area: area ? t("kiosk.area", { area }) : "",
  });
}

/** What the ticket screen says about the paper ticket: printing, take it (only once printed),
 * or how to get one. */
function renderPrintHint() {
  const hint = $("#ticket-hint");
  const key = { none: "kiosk.no_print_hint", printing: "kiosk.printing", done: "kiosk.take_ticket" };
  hint.dataset.print = state.printing;
  hint.textContent = t(key[state.printing]);
  $("#ticket-print").disabled = state.printing === "printing";
}

function printTicket() {
  if (state.screen !== "ticket" || state.printing === "printing") return;
  state.printing = "printing";
  renderPrintHint();
  window.print(); // returns once printed, or at once where printing runs in the background
}

function printed() {
  if (state.screen !== "ticket" || state.printing !== "printing") return;
  state.printing = "done";
  renderPrintHint();
  speak(t("kiosk.voice.take_ticket"));
}

function renderTicket() {
  const result = state.result;
  if (!result) return;
  const ticket = result.ticket;
  const service = state.services.find((s) => s.id === ticket.service);
  $("#ticket-service").textContent = service ? serviceName(service) : ticket.service;
  $("#ticket-number").textContent = ticket.number;
  const priority = $("#ticket-priority");
  show(priority, ticket.priority !== "normal" || result.reactivated);
  priority.textContent = result.reactivated ? t("print.reactivated") : t(`priority.${ticket.priority}`);
  $("#ticket-ahead").textContent = t("print.ahead", { count: result.position ?? 0 });
  $("#ticket-wait").textContent = waitText(result.eta_seconds, windowOpenFor(ticket.queue));
  const area = queueArea(ticket.queue);
  show($("#ticket-area"), Boolean(area));
  $("#ticket-area").textContent = area ? t("kiosk.area", { area }) : "";
  renderPrintHint();
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
  if (image.complete && image.naturalWidth > 0) printTicket();
  else image.addEventListener("load", printTicket, { once: true });
}

function showError(code) {
  $("#error-text").dataset.code = code;
  renderError();
  go("error");
  startCountdown(ERROR_SECONDS, $("#error-back"), "common.back_in");
  speak(`${$("#error-title").textContent}。${$("#error-text").textContent}`);
}

/** A refused booking code says so, and what to do, rather than "no ticket could be issued". */
function renderError() {
  const code = $("#error-text").dataset.code ?? "";
  const title = `kiosk.error_title.${code}`;
  const text = `kiosk.error_text.${code}`;
  $("#error-title").textContent = t(hasText(title) ? title : "kiosk.error_title");
  $("#error-text").textContent = hasText(text) ? t(text) : explain(code);
  show($("#error-retype"), code === "unknown_booking");
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

// A barcode or QR scanner (or an ID-card reader) types like a keyboard: characters in quick
// succession, then Enter. Caught anywhere on the page, with no input focused, on any screen but
// the keypad's (there keys type into the code, a scanner's as well). Spaces and dashes between
// the characters are ignored; a key after a pause starts a new code, so a person's typing is not
// taken for a scan.
let scanned = "";
let scannedAt = 0;

function onKey(event) {
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
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
  if (state.screen === "busy") return;
  const now = event.timeStamp;
  if (now - scannedAt > SCAN_GAP_MS) scanned = "";
  scannedAt = now;
  const character = codeCharacter(event.key);
  if (character) scanned += character;
  else if (event.key === "Enter" && codeComplete(scanned)) {
    event.preventDefault(); // the scan's Enter, not a press of the button last touched
    const code = scanned;
    scanned = "";
    codeEntered(code);
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
  } else if (action === "print") printTicket();
  else if (action === "care") toggleCare();
  else if (action === "page-previous") turnPage(-1);
  else if (action === "page-next") turnPage(+1);
  else if (action === "retype") {
    state.keypad = "check_in";
    state.code = "";
    state.mistyped = false;
    go("keypad");
  }
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
window.addEventListener("afterprint", printed);
onLanguageChange(() => {
  renderMenu();
  renderTicket();
  if (state.screen === "keypad") renderKeypad();
  if (state.screen === "green") renderGreenChoices();
  if (state.screen === "error") renderError();
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
