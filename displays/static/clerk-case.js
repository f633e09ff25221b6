// Cases (办件) at the clerk's window, under the ticket in hand (#clerk-case):
// - 受理: accept the application of the citizen being served (`open_case`), with a contact
//   phone if they give one (kept on the server only); the pickup code and the due date show
//   for the clerk to write on the receipt.
// - 出证 window: when the ticket in hand checked in with a pickup code, which case to hand over,
//   and 送达 (`deliver_case`).
// - 补正: documents a citizen brings back for a case (`submit_documents`, by its number).

import { $, el, explain, onLanguageChange, show, t } from "./hall.js";

const state = {
  connection: null,
  windowId: null,
  windows: new Map(),
  services: new Map(),
  cases: new Map(),
  busy: false,
  message: null, // {kind, text}
  opened: null, // the case just accepted: {case, code, track, ticket}, for the citizen's receipt
};

/** Follow the clerk's connection: its snapshot's windows, services and cases, and events. */
export function bindCases(connection) {
  state.connection = connection;
  connection.on("snapshot", (snapshot, welcome) => {
    state.windowId = welcome.device.window;
    state.windows = new Map(snapshot.windows.map((w) => [w.id, w]));
    state.services = new Map(snapshot.services.map((s) => [s.id, s]));
    state.cases = new Map((snapshot.cases ?? []).map((c) => [c.id, c]));
    render();
  });
  connection.on("event", ({ event, data }) => {
    if (event.startsWith("case.")) state.cases.set(data.case.id, data.case);
    else if (event === "window.changed") {
      state.windows.set(data.window.id, { ...state.windows.get(data.window.id), ...data.window });
      if (data.window.id === state.windowId && data.window.ticket_id === null) state.message = null;
    } else return;
    render();
  });
  onLanguageChange(render);
}

function ticketInHand() {
  return state.windows.get(state.windowId)?.ticket_id ?? null;
}

function pickupCase(ticketId) {
  return [...state.cases.values()].find((c) => c.pickup_ticket === ticketId && c.status === "ready");
}

function render() {
  const box = $("#clerk-case");
  if (!box) return;
  const ticket = ticketInHand();
  const pickup = ticket ? pickupCase(ticket) : null;
  const parts = [];
  if (pickup) parts.push(...pickupParts(pickup));
  else if (ticket) parts.push(...acceptParts(ticket));
  const opened = state.opened;
  if (opened && (ticket === null || ticket === opened.ticket)) parts.push(receipt(opened));
  parts.push(...documentParts());
  if (state.message) {
    parts.push(el("p", { class: `clerk-case-message clerk-case-${state.message.kind}`, role: "status" }, state.message.text));
  }
  box.replaceChildren(...parts);
  show(box, true);
}

function serviceName(id) {
  return state.services.get(id)?.name ?? id;
}

function pickupParts(c) {
  return [
    el("div", { class: "clerk-case-pickup" }, t("clerk.case.pickup", { case: c.id, service: serviceName(c.service) })),
    el(
      "button",
      { type: "button", class: "button button-primary", id: "case-deliver", disabled: state.busy, onclick: () => deliver(c) },
      t("clerk.case.deliver"),
    ),
  ];
}

/** What the citizen takes away: the pickup code, and the tracker link as a QR code. */
function receipt(opened) {
  const url = `${location.origin}/t/${encodeURIComponent(opened.track)}`;
  return el(
    "div",
    { class: "clerk-case-receipt" },
    el("div", { class: "clerk-case-code", id: "case-code" }, opened.code),
    el("img", { class: "clerk-case-qr", id: "case-qr", alt: "", src: `/qr.svg?data=${encodeURIComponent(url)}` }),
    el("a", { id: "case-track", href: url, target: "_blank", rel: "noopener" }, t("case.track.title")),
  );
}

function acceptParts(ticket) {
  return [
    el(
      "label",
      { class: "field" },
      el("span", {}, t("clerk.case.phone")),
      el("input", { id: "case-phone", inputmode: "tel", autocomplete: "off", maxlength: "20" }),
    ),
    el(
      "button",
      { type: "button", class: "button", id: "case-open", disabled: state.busy, onclick: () => accept(ticket) },
      t("clerk.case.open"),
    ),
  ];
}

function documentParts() {
  return [
    el(
      "label",
      { class: "field" },
      el("span", {}, t("clerk.case.code_prompt")),
      el("input", { id: "case-submit-id", autocomplete: "off", maxlength: "40", spellcheck: "false" }),
    ),
    el(
      "button",
      { type: "button", class: "button", id: "case-submit", disabled: state.busy, onclick: submitDocuments },
      t("clerk.case.submit"),
    ),
  ];
}

async function run(name, args, done) {
  if (state.busy) return;
  state.busy = true;
  render();
  try {
    const result = await state.connection.command(name, args);
    if (result?.case) state.cases.set(result.case.id, result.case);
    state.message = { kind: "ok", text: done(result) };
  } catch (error) {
    state.message = { kind: "error", text: explain(error.code) };
  } finally {
    state.busy = false;
    render();
  }
}

function accept(ticket) {
  const phone = $("#case-phone")?.value.trim() ?? "";
  const args = { ticket, ...(phone ? { contact_phone: phone } : {}) };
  run("open_case", args, (result) => {
    state.opened = { case: result.case.id, code: result.case.code, track: result.track, ticket };
    return result.case.status === "delivered"
      ? `${result.case.id}: ${t("case.immediate")}`
      : t("clerk.case.opened", { case: result.case.id, code: result.case.code, due: result.case.due });
  });
}

function deliver(c) {
  run("deliver_case", { case: c.id }, () => t("clerk.case.delivered", { case: c.id }));
}

function submitDocuments() {
  const id = $("#case-submit-id")?.value.trim().toUpperCase() ?? "";
  if (!id) return;
  run("submit_documents", { case: id }, (result) => `${result.case.id}: ${t("case.status.reviewing")}`);
}
