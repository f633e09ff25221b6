// The window screen (/window, 窗口屏): a wide, short display above one window, like an LED
// strip. The window's name, the number called to it or being served, the clerk (photo or
// initials, name, staff number), and plain words when the window is paused or closed.

import { $, HallConnection, SETTINGS, bindBanner, onLanguageChange, pairedToken, setHallName, show, t } from "./hall.js";
import { renderAvatar } from "./staff.js";

const HOLDING = new Set(["ticket.called", "ticket.serving", "ticket.unparked"]);
const RELEASING = new Set([
  "ticket.finished",
  "ticket.no_show",
  "ticket.parked",
  "ticket.transferred",
  "ticket.cancelled",
  "ticket.expired",
]);

const state = { hallId: null, window: null, ticket: null, missing: false };

const token = pairedToken();
const connection = new HallConnection({ hello: () => ({ token, kind: "window_screen" }) });
const banner = bindBanner(connection);
window.hall.connection = connection;

connection.on("snapshot", (snapshot, welcome) => {
  const allowed = SETTINGS.kinds ?? ["window_screen"];
  banner.setMessage(allowed.includes(welcome.device.kind) ? null : "conn.wrong_kind");
  setHallName(snapshot.hall.name);
  state.hallId = snapshot.hall.id;
  state.window = snapshot.window;
  state.ticket = snapshot.window?.ticket ?? null;
  state.missing = snapshot.window === null;
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
    else if (data.window.ticket_id !== state.ticket?.id) connection.resync(); // missed a ticket event
  } else if (HOLDING.has(event) && data.window?.id === mine) {
    state.ticket = data.ticket;
  } else if (RELEASING.has(event) && data.ticket?.id === state.ticket?.id) {
    state.ticket = null;
  }
  render();
});

function view() {
  const window = state.window;
  const ticket = state.ticket;
  if (!window) return { status: "loading", label: "", big: "" };
  if (window.status === "closed") {
    return { status: "closed", label: t("window_screen.closed_hint"), big: t("window_screen.closed") };
  }
  if (window.status === "paused") {
    return { status: "paused", label: window.reason ?? "", big: t("window_screen.paused") };
  }
  if (ticket && ticket.state === "called") {
    return { status: "calling", label: t("window_screen.called"), big: ticket.number, number: true };
  }
  if (ticket) return { status: "serving", label: t("window_screen.serving"), big: ticket.number, number: true };
  return { status: "idle", label: "", big: t("window_screen.idle") };
}

function render() {
  const window = state.window;
  const shown = view();
  const led = $("#led");
  led.dataset.status = shown.status;
  $("#led-window-name").textContent = window?.name ?? "";
  $("#led-status").textContent = window ? t(`window.status.${window.status}`) : "";
  $("#led-label").textContent = shown.label;
  show($("#led-label"), Boolean(shown.label));
  const big = $("#led-number");
  big.textContent = shown.big;
  big.classList.toggle("led-text", !shown.number);
  const clerk = Boolean(window?.clerk) && window.status !== "closed";
  show($("#led-clerk"), clerk);
  if (clerk) {
    renderAvatar($("#led-photo"), $("#led-initials"), window, state.hallId);
    $("#led-clerk-name").textContent = window.clerk;
    const number = window.clerk_number;
    $("#led-clerk-number").textContent = number ? t("window_screen.staff_number", { number }) : "";
  }
  if (state.missing) banner.setMessage("conn.wrong_kind");
}

onLanguageChange(render);
render();
if (token) connection.start();
else banner.setMessage("conn.unpaired");
