// The booking page (/book/{hall}) for citizens' phones, over the HTTP API: a service, a date,
// a free slot, name and phone; then the booking code with its QR code. Look up and cancel by
// code and the phone number's last four digits (header X-Phone-Last4). Name and phone go to the
// server only and are never shown back unmasked.

import {
  $,
  SETTINGS,
  el,
  explain,
  hasText,
  newId,
  onLanguageChange,
  setHallName,
  show,
  t,
} from "./hall.js";

const DAYS_AHEAD = 7;
const PHONE = /^\+?[0-9 -]{6,20}$/;
const LAST4 = /^[0-9]{4}$/;
const api = `/api/halls/${encodeURIComponent(SETTINGS.hall)}`;

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
  lookupDigits: "", // the last four digits of the phone, for cancelling what was looked up
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

function showError(code) {
  const box = $("#book-error");
  box.textContent = code ? explain(code) : "";
  box.dataset.code = code ?? "";
  show(box, Boolean(code));
}

function showProblem(key) {
  const box = $("#book-error");
  box.textContent = t(key);
  box.dataset.code = key;
  show(box, true);
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
  } catch (error) {
    $("#service-choices").replaceChildren();
    showError(error.code);
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
          service.name,
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
  showError(null);
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
    showError(error.code);
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
  showError(null);
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
  if (!state.slot) return showProblem("book.choose_slot");
  if (!name) return showProblem("book.invalid_name");
  if (!PHONE.test(phone)) return showProblem("book.invalid_phone");
  showError(null);
  const button = $("#book-submit");
  button.disabled = true;
  button.textContent = t("book.submitting");
  state.idempotencyKey = state.idempotencyKey ?? newId(); // a retry never books twice
  try {
    const body = await call("POST", "/appointments", {
      key: state.idempotencyKey,
      data: { service: state.service.id, slot: state.slot.start, name, phone },
    });
    state.booking = { ...body.result.booking, time: state.slot.time, date: state.date };
    state.idempotencyKey = null;
    $("#step-contact").reset(); // personal data leaves the page once it is sent
    renderBooked();
    window.scrollTo(0, 0);
  } catch (error) {
    showError(error.code);
    if (error.code === "slot_full") await chooseDate(state.date);
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
  $("#booked-service").textContent = service ? service.name : booking.service;
  $("#booked-slot").textContent = t("book.slot", { date: booking.date, time: booking.time });
}

function bookAnother() {
  state.booking = null;
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
  if (!LAST4.test(digits)) return showProblem("book.invalid_last4");
  showError(null);
  try {
    state.lookup = await call("GET", `/appointments/${encodeURIComponent(code)}`, {
      headers: { "X-Phone-Last4": digits },
    });
    state.lookupDigits = digits;
  } catch (error) {
    state.lookup = null;
    if (error.code === "unknown_booking") showProblem("book.lookup_not_found");
    else showError(error.code);
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
  $("#lookup-summary").textContent = `${service ? service.name : found.service} · ${time} · ${stateText}`;
  $("#lookup-person").textContent = t("book.person", { name: found.name, phone: found.phone });
  show($("#lookup-cancel"), found.state === "booked");
}

async function cancelLookedUp() {
  const code = state.lookup?.code;
  if (!code) return;
  showError(null);
  try {
    await call("DELETE", `/appointments/${encodeURIComponent(code)}`, {
      key: newId(),
      headers: { "X-Phone-Last4": state.lookupDigits },
    });
    state.lookup = { ...state.lookup, state: "cancelled" };
    renderLookup();
    $("#lookup-person").textContent = t("book.cancelled");
  } catch (error) {
    showError(error.code);
  }
}

// --- wiring ------------------------------------------------------------------------------------

$("#step-contact").addEventListener("submit", submitBooking);
$("#book-another").addEventListener("click", bookAnother);
$("#lookup-form").addEventListener("submit", lookUp);
$("#lookup-cancel").addEventListener("click", cancelLookedUp);
onLanguageChange(() => {
  renderServices();
  if (state.date) renderDates();
  renderSlots();
  renderBooked();
  renderLookup();
  const code = $("#book-error").dataset.code;
  if (code) {
    if (code.startsWith("book.")) showProblem(code);
    else showError(code);
  }
});
loadServices();
