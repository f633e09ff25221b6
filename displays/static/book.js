// The booking page (/book/{hall}) for citizens' phones, over the HTTP API: a service, a date,
// a free slot, name and phone; then the booking code with its QR code, kept on the phone (no name,
// no phone number) so a reload still shows it. Look up by code and the phone number's last four
// digits (header X-Phone-Last4); cancelling asks again, digits included. Name and phone go to the
// server only and are never shown back unmasked. A problem shows next to what it concerns.

import {
  $,
  SETTINGS,
  currentLanguage,
  el,
  explain,
  hasText,
  newId,
  onLanguageChange,
  setHallName,
  show,
  store,
  stored,
  t,
} from "./hall.js";

const DAYS_AHEAD = 7;
const PHONE = /^\+?[0-9 -]{6,20}$/;
const LAST4 = /^[0-9]{4}$/;
const api = `/api/halls/${encodeURIComponent(SETTINGS.hall)}`;
const BOOKING_KEY = `hall.booking:${SETTINGS.hall}`; // the last booking made on this phone
const MESSAGE_BOXES = ["#book-error", "#slot-error", "#contact-error", "#lookup-error", "#cancel-error"];

const state = {
  services: [],
  timezone: undefined, // the hall's: slot times read as the hall's clock shows them
  service: null,
  dates: nextDates(DAYS_AHEAD),
  date: null,
  slots: [],
  slot: null,
  booking: null,
  idempotencyKey: null,
  lookup: null,
};

class ApiError extends Error {
  constructor(code) {
    super(code);
    this.code = code;
  }
}

/** `request`: `{key, data}` to send a JSON body with an Idempotency-Key; `headers`: more. */
async function call(method, path, request = {}) {
  const headers = { ...(request.headers ?? {}) };
  if (request.key) headers["Idempotency-Key"] = request.key;
  if (request.data) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(`${api}${path}`, {
      method,
      headers,
      body: request.data ? JSON.stringify(request.data) : undefined,
    });
  } catch {
    throw new ApiError("offline");
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    throw new ApiError("internal_error");
  }
  if (!response.ok) throw new ApiError(data?.error?.code ?? "unknown");
  return data;
}

/** Show one message in `box`, next to what it concerns (never over the choices): an error
 * code's plain explanation, or a `book.` key's text. Any other message goes. */
function showMessage(box, key) {
  clearMessages();
  const node = $(box);
  node.dataset.key = key;
  renderMessage(node);
  show(node, true);
  node.scrollIntoView({ block: "nearest" });
}

function renderMessage(node) {
  const key = node.dataset.key ?? "";
  node.textContent = key.startsWith("book.") ? t(key) : explain(key);
}

function clearMessages() {
  for (const box of MESSAGE_BOXES) {
    const node = $(box);
    node.dataset.key = "";
    show(node, false);
  }
}

/** A service's name in the page's language: its English name where the hall gives one. */
function serviceName(service) {
  return currentLanguage() === "en" && service.name_en ? service.name_en : service.name;
}

// --- dates (the phone's calendar) --------------------------------------------------------------

/** The next `count` dates (YYYY-MM-DD) from today in `timeZone` (the phone's when unknown). */
function nextDates(count, timeZone = undefined) {
  let today;
  try {
    today = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
      .format(new Date());
  } catch {
    today = new Intl.DateTimeFormat("en-CA").format(new Date());
  }
  const [year, month, day] = today.split("-").map(Number);
  const dates = [];
  for (let i = 0; i < count; i += 1) {
    dates.push(new Date(Date.UTC(year, month - 1, day + i)).toISOString().slice(0, 10));
  }
  return dates;
}

function dateLabel(iso, index) {
  const [year, month, day] = iso.split("-").map(Number);
  const date = new Date(year, month - 1, day);
  const text = new Intl.DateTimeFormat(document.documentElement.lang, {
    month: "numeric",
    day: "numeric",
    weekday: "short",
  }).format(date);
  return index === 0 ? `${t("book.today")} ${text}` : text;
}

// --- step 1: services --------------------------------------------------------------------------

async function loadServices() {
  try {
    const body = await call("GET", "/services");
    setHallName(body.hall?.name ?? "");
    state.timezone = body.hall?.timezone;
    state.dates = nextDates(DAYS_AHEAD, state.timezone);
    state.services = (body.services ?? []).filter((service) => service.bookable);
    renderServices();
    renderBooked();
  } catch (error) {
    $("#service-choices").replaceChildren();
    showMessage("#book-error", error.code);
  }
}

function renderServices() {
  const groups = new Map();
  for (const service of state.services) {
    const key = service.category || "";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(service);
  }
  const nodes = [];
  for (const [category, services] of groups) {
    if (groups.size > 1) {
      nodes.push(el("h3", { class: "choice-group-title" }, category || t("kiosk.category.other")));
    }
    for (const service of services) {
      nodes.push(
        el(
          "button",
          {
            type: "button",
            class: service.id === state.service?.id ? "choice selected" : "choice",
            dataset: { service: service.id },
            onclick: () => chooseService(service),
          },
          serviceName(service),
        ),
      );
    }
  }
  if (!nodes.length) nodes.push(el("p", { class: "empty" }, t("book.no_bookable")));
  $("#service-choices").replaceChildren(...nodes);
}

async function chooseService(service) {
  state.service = service;
  state.slot = null;
  state.date = null;
  clearMessages();
  renderServices();
  show($("#step-slot"), true);
  show($("#step-contact"), false);
  $("#step-slot").scrollIntoView({ block: "start" });
  await findFirstFreeDate();
}

// --- step 2: date and slot ---------------------------------------------------------------------

/** Open the first date, from today, that has a free slot (today when none has). */
async function findFirstFreeDate() {
  for (const date of state.dates) {
    await chooseDate(date);
    if (state.slots.some((slot) => slot.free > 0)) return;
  }
  await chooseDate(state.dates[0]);
}

async function chooseDate(date) {
  state.date = date;
  state.slot = null;
  renderDates();
  const service = state.service;
  try {
    const query = new URLSearchParams({ service: service.id, date });
    const body = await call("GET", `/slots?${query}`);
    if (state.service !== service || state.date !== date) return; // the citizen moved on
    state.slots = body.slots ?? [];
  } catch (error) {
    state.slots = [];
    showMessage("#slot-error", error.code);
  }
  renderSlots();
}

function renderDates() {
  $("#date-choices").replaceChildren(
    ...state.dates.map((date, index) =>
      el(
        "button",
        {
          type: "button",
          class: date === state.date ? "choice selected" : "choice",
          dataset: { date },
          onclick: () => chooseDate(date),
        },
        dateLabel(date, index),
      ),
    ),
  );
}

function renderSlots() {
  const nodes = state.slots.map((slot) =>
    el(
      "button",
      {
        type: "button",
        class: slot.start === state.slot?.start ? "choice selected" : "choice",
        dataset: { slot: slot.start },
        disabled: slot.free <= 0,
        onclick: () => chooseSlot(slot),
      },
      slot.time,
      el("small", {}, slot.free > 0 ? t("book.free", { count: slot.free }) : t("book.full")),
    ),
  );
  if (!state.slots.some((slot) => slot.free > 0)) nodes.unshift(el("p", { class: "empty" }, t("book.no_slots")));
  $("#slot-choices").replaceChildren(...nodes);
}

function chooseSlot(slot) {
  state.slot = slot;
  state.idempotencyKey = null;
  clearMessages();
  renderSlots();
  show($("#step-contact"), true);
  $("#step-contact").scrollIntoView({ block: "start" });
  $("#book-name").focus({ preventScroll: true });
}

// --- step 3: contact, booking -------------------------------------------------------------------

async function submitBooking(event) {
  event.preventDefault();
  const name = $("#book-name").value.trim();
  const phone = $("#book-phone").value.trim();
  if (!state.slot) return showMessage("#slot-error", "book.choose_slot");
  if (!name) return showMessage("#contact-error", "book.invalid_name");
  if (!PHONE.test(phone)) return showMessage("#contact-error", "book.invalid_phone");
  clearMessages();
  const button = $("#book-submit");
  button.disabled = true;
  button.textContent = t("book.submitting");
  state.idempotencyKey = state.idempotencyKey ?? newId(); // a retry never books twice
  try {
    const body = await call("POST", "/appointments", {
      key: state.idempotencyKey,
      data: { service: state.service.id, slot: state.slot.start, name, phone },
    });
    const booking = body.result.booking;
    state.booking = { code: booking.code, service: booking.service, time: state.slot.time, date: state.date };
    store(BOOKING_KEY, JSON.stringify(state.booking));
    state.idempotencyKey = null;
    $("#step-contact").reset(); // personal data leaves the page once it is sent
    renderBooked();
    window.scrollTo(0, 0);
  } catch (error) {
    if (error.code === "slot_full") {
      await chooseDate(state.date);
      showMessage("#slot-error", error.code);
    } else {
      showMessage("#contact-error", error.code);
    }
  } finally {
    button.disabled = false;
    button.textContent = t("book.submit");
  }
}

function renderBooked() {
  const booking = state.booking;
  show($("#step-service"), !booking);
  show($("#step-slot"), !booking && state.service !== null);
  show($("#step-contact"), !booking && state.slot !== null);
  show($("#booked"), Boolean(booking));
  if (!booking) return;
  const service = state.services.find((s) => s.id === booking.service);
  $("#booking-code").textContent = `${booking.code.slice(0, 5)} ${booking.code.slice(5)}`;
  $("#booking-code").dataset.code = booking.code;
  $("#booking-qr").src = `/qr.svg?data=${encodeURIComponent(booking.code)}`;
  $("#booked-service").textContent = service ? serviceName(service) : booking.service;
  $("#booked-slot").textContent = t("book.slot", { date: booking.date, time: booking.time });
}

/** The booking made on this phone before a reload, if any (code, service, date, time). */
function restoreBooking() {
  try {
    const saved = JSON.parse(stored(BOOKING_KEY) ?? "null");
    if (saved && typeof saved.code === "string") state.booking = saved;
  } catch {
    store(BOOKING_KEY, null);
  }
  renderBooked();
}

function bookAnother() {
  state.booking = null;
  store(BOOKING_KEY, null);
  state.slot = null;
  renderBooked();
  renderSlots();
  if (state.service) chooseDate(state.date ?? state.dates[0]);
}

// --- look up and cancel ------------------------------------------------------------------------

/** A code as typed: either case, spaces and dashes ignored. */
function typedCode(text) {
  return text.replace(/[\s-]+/g, "").toUpperCase();
}

async function lookUp(event) {
  event?.preventDefault();
  const code = typedCode($("#lookup-code").value);
  const digits = $("#lookup-phone").value.trim();
  if (!code) return;
  if (!LAST4.test(digits)) return showMessage("#lookup-error", "book.invalid_last4");
  clearMessages();
  show($("#cancel-confirm"), false);
  try {
    state.lookup = await call("GET", `/appointments/${encodeURIComponent(code)}`, {
      headers: { "X-Phone-Last4": digits },
    });
  } catch (error) {
    state.lookup = null;
    showMessage("#lookup-error", error.code === "unknown_booking" ? "book.lookup_not_found" : error.code);
  }
  renderLookup();
}

function renderLookup() {
  const found = state.lookup;
  show($("#lookup-result"), Boolean(found));
  if (!found) return;
  const service = state.services.find((s) => s.id === found.service);
  const when = new Date(found.slot);
  const time = Number.isNaN(when.getTime())
    ? found.slot
    : new Intl.DateTimeFormat(document.documentElement.lang, {
        month: "numeric",
        day: "numeric",
        weekday: "short",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
        timeZone: state.timezone,
      }).format(when);
  const stateKey = `book.state.${found.state}`;
  const stateText = hasText(stateKey) ? t(stateKey) : found.state;
  $("#lookup-summary").textContent = `${service ? serviceName(service) : found.service} · ${time} · ${stateText}`;
  $("#lookup-person").textContent = t("book.person", { name: found.name, phone: found.phone });
  show($("#lookup-cancel"), found.state === "booked" && $("#cancel-confirm").hidden);
}

/** Cancelling asks first, with the phone's last four digits once more (PROTOCOL 1.1). */
function askToCancel() {
  clearMessages();
  $("#cancel-digits").value = "";
  show($("#cancel-confirm"), true);
  show($("#lookup-cancel"), false);
  $("#cancel-digits").focus();
}

function keepBooking() {
  show($("#cancel-confirm"), false);
  clearMessages();
  renderLookup();
}

async function cancelLookedUp(event) {
  event.preventDefault();
  const code = state.lookup?.code;
  const digits = $("#cancel-digits").value.trim();
  if (!code) return;
  if (!LAST4.test(digits)) return showMessage("#cancel-error", "book.invalid_last4");
  clearMessages();
  try {
    await call("DELETE", `/appointments/${encodeURIComponent(code)}`, {
      key: newId(),
      headers: { "X-Phone-Last4": digits },
    });
  } catch (error) {
    const key = error.code === "unknown_booking" ? "book.cancel_digits_wrong" : error.code;
    return showMessage("#cancel-error", key);
  }
  state.lookup = { ...state.lookup, state: "cancelled" };
  show($("#cancel-confirm"), false);
  renderLookup();
  $("#lookup-person").textContent = t("book.cancelled");
  if (state.booking?.code === code) bookAnother(); // the kept booking is gone too
}

// --- wiring ------------------------------------------------------------------------------------

$("#step-contact").addEventListener("submit", submitBooking);
$("#book-another").addEventListener("click", bookAnother);
$("#lookup-form").addEventListener("submit", lookUp);
$("#lookup-cancel").addEventListener("click", askToCancel);
$("#cancel-no").addEventListener("click", keepBooking);
$("#cancel-confirm").addEventListener("submit", cancelLookedUp);
onLanguageChange(() => {
  renderServices();
  if (state.date) renderDates();
  renderSlots();
  renderBooked();
  renderLookup();
  for (const box of MESSAGE_BOXES) if ($(box).dataset.key) renderMessage($(box));
});
restoreBooking();
loadServices();
