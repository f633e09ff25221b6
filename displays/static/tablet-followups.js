// tablet-followups.js: the tablet's 整改 board (差评整改, 投诉, 回访). Every follow-up the hall has
// open (and those closed today), the most urgent first: what opened it (the rating's score,
// reasons and comment with window, clerk and service; a complaint's channel and text), its
// deadlines, who has it, and the next step as buttons: assign → call back (reached /
// unreachable, with a note) → rectify (what changed) → close (satisfied or not). Above, the
// figures: 差评整改率, 回访率, 回访满意率, complaints answered on time, overdue now.
//
// The citizen's words come over HTTP (GET /api/halls/{hall}/follow-ups, the tablet's token),
// never over the hall's event stream; the board reloads on every `follow_up.*` event. A
// callback task's phone is fetched on request, during the callback step only, and shown in its
// row only. Actions go through the page (`window.hallTablet.command`), so they need the floor
// manager signed in. A bad rating's alert (`hall:open-follow-up`) scrolls to its row.

import { $, el, onLanguageChange, pairedToken, t } from "./hall.js";

const connection = window.hall.connection;
const token = pairedToken();
const board = {
  hall: null,
  timeZone: undefined,
  services: new Map(), // service id -> name
  items: new Map(),
  figures: null,
  phones: new Map(), // follow-up id -> phone, fetched on request during the callback step
};
let focused = null; // the follow-up a bad rating's alert asked for
let loading = null;

const section = el(
  "section",
  { class: "card tablet-section follow-ups", id: "follow-ups-section", "aria-labelledby": "follow-ups-title" },
  el("h2", { class: "section-title", id: "follow-ups-title", "data-i18n": "follow_up.title" }, t("follow_up.title")),
  el("dl", { class: "follow-up-figures", id: "follow-up-figures" }),
  el("form", { class: "follow-up-complaint", id: "complaint-form", autocomplete: "off" }),
  el("ul", { class: "follow-up-rows", id: "follow-up-rows", "aria-live": "polite" }),
  el("p", { class: "hint", id: "follow-ups-empty", "data-i18n": "follow_up.empty" }, t("follow_up.empty")),
);
$("#tablet-extra").append(section);

// --- loading -------------------------------------------------------------------------------------

async function load() {
  if (!board.hall || !token) return;
  if (loading) return loading;
  loading = (async () => {
    try {
      const response = await fetch(`/api/halls/${encodeURIComponent(board.hall)}/follow-ups`, {
        headers: { Authorization: `Bearer ${token}` },
        cache: "no-store",
      });
      if (!response.ok) return;
      const body = await response.json();
      board.items = new Map(body.follow_ups.map((item) => [item.id, item]));
      board.figures = body.figures;
      render();
    } finally {
      loading = null;
    }
  })();
  return loading;
}

// --- rendering -----------------------------------------------------------------------------------

function when(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(document.documentElement.lang || "zh-CN", {
    timeZone: board.timeZone,
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

function percent(rate) {
  return rate === null || rate === undefined ? "—" : `${Math.round(rate * 1000) / 10}%`;
}

function renderFigures() {
  const f = board.figures;
  const node = $("#follow-up-figures");
  if (!f) return node.replaceChildren();
  const figure = (key, value, name) =>
    el("div", { class: "follow-up-figure", dataset: { figure: name } }, el("dt", {}, t(key)), el("dd", {}, value));
  node.replaceChildren(
    figure("follow_up.rectify_rate", percent(f.rectify_rate), "rectify_rate"),
    figure("follow_up.callback_rate", percent(f.callback_rate), "callback_rate"),
    figure("follow_up.satisfaction_rate", percent(f.satisfaction_rate), "satisfaction_rate"),
    figure("follow_up.complaints_on_time", `${f.complaints_on_time}/${f.complaints}`, "complaints_on_time"),
    figure("follow_up.overdue_now", String(f.overdue), "overdue"),
  );
}

function render() {
  renderFigures();
  const items = [...board.items.values()];
  $("#follow-up-rows").replaceChildren(...items.map(row));
  $("#follow-ups-empty").hidden = items.length > 0;
  if (focused && board.items.has(focused)) reveal(focused);
}

function isOverdue(item) {
  return item.status !== "closed" && item.overdue.length > 0;
}

function row(item) {
  return el(
    "li",
    {
      class: "follow-up-row",
      id: `follow-up-${item.id}`,
      dataset: { followUp: item.id, type: item.type, status: item.status, overdue: String(isOverdue(item)) },
    },
    el(
      "div",
      { class: "follow-up-head" },
      el("span", { class: "follow-up-type" }, t(`follow_up.type.${item.type}`)),
      el("span", { class: "follow-up-id" }, item.id),
      el("span", { class: "follow-up-status" }, t(`follow_up.status.${item.status}`)),
      isOverdue(item) ? el("span", { class: "follow-up-late" }, t("follow_up.overdue")) : null,
    ),
    el("p", { class: "follow-up-about" }, about(item)),
    said(item),
    el("p", { class: "follow-up-dues hint" }, dues(item)),
    history(item),
    item.status === "closed" ? null : actions(item),
  );
}

function about(item) {
  const parts = [];
  if (item.number) parts.push(t("follow_up.ticket", { number: item.number }));
  if (item.window) parts.push(item.window.name);
  if (item.clerk) parts.push(t("follow_up.clerk", { clerk: item.clerk }));
  if (item.service) parts.push(board.services.get(item.service) ?? item.service);
  if (item.channel) parts.push(t("follow_up.channel", { channel: t(`follow_up.channel.${item.channel}`) }));
  if (item.case) parts.push(t("follow_up.case", { case: item.case }));
  return parts.join(" · ");
}

function said(item) {
  const lines = [];
  if (item.score) lines.push(t("follow_up.score", { score: item.score }));
  if (item.reasons.length) lines.push(t("follow_up.reasons", { reasons: item.reasons.join("、") }));
  if (item.comment) lines.push(t("follow_up.comment", { comment: item.comment }));
  if (!lines.length) return null;
  return el("p", { class: "follow-up-said" }, lines.join("　"));
}

function dues(item) {
  const parts = [t("follow_up.callback_due", { at: when(item.callback_due) })];
  if (item.due !== item.callback_due) parts.push(t("follow_up.due", { at: when(item.due) }));
  if (item.assignee) parts.push(t("follow_up.assignee", { staff: item.assignee }));
  return parts.join(" · ");
}

function history(item) {
  const lines = [];
  if (item.outcome) {
    const outcome = t(`follow_up.outcome.${item.outcome}`);
    lines.push(t("follow_up.called_back", { outcome, attempts: item.attempts, note: item.callback_note || "—" }));
  }
  if (item.rectification) lines.push(t("follow_up.rectified", { note: item.rectification }));
  if (item.satisfied !== null) {
    lines.push(t(item.satisfied ? "follow_up.closed_satisfied" : "follow_up.closed_unsatisfied"));
  }
  if (!lines.length) return null;
  return el("ul", { class: "follow-up-history" }, lines.map((line) => el("li", {}, line)));
}

// --- actions -------------------------------------------------------------------------------------

function button(key, name, onclick, kind = "button-light") {
  return el("button", { type: "button", class: `button ${kind}`, dataset: { action: name }, onclick }, t(key));
}

function actions(item) {
  const box = el("div", { class: "follow-up-actions" });
  const step = nextStep(item);
  if (step === "assign") box.append(assignForm(item));
  if (step === "callback") box.append(...callbackForm(item));
  if (step === "rectify") box.append(noteForm(item, "rectify_follow_up", "follow_up.rectify", "follow_up.rectify_hint"));
  if (step === "close") box.append(...closeButtons(item));
  if (item.status !== "open") box.append(reassign(item));
  return box;
}

function nextStep(item) {
  if (item.status === "open") return "assign";
  if (item.outcome !== "reached") return "callback";
  if (item.type !== "callback" && item.status !== "rectified") return "rectify";
  return "close";
}

async function act(name, args) {
  const command = window.hallTablet?.command;
  const result = command ? await command(name, args) : await connection.command(name, args);
  if (result) await load();
  return result;
}

function assignForm(item) {
  const input = el("input", {
    class: "follow-up-staff",
    name: "staff",
    inputmode: "numeric",
    maxlength: "100",
    value: window.hallTablet?.manager?.()?.number ?? "",
    "aria-label": t("follow_up.staff"),
    placeholder: t("follow_up.staff"),
  });
  const submit = () => {
    const staff = input.value.trim();
    if (staff) act("assign_follow_up", { follow_up: item.id, staff });
  };
  return el("div", { class: "row" }, input, button("follow_up.assign", "assign", submit, "button-primary"));
}

function reassign(item) {
  return button("follow_up.reassign", "reassign", () => {
    const staff = window.prompt(t("follow_up.staff"), item.assignee ?? "");
    if (staff && staff.trim()) act("assign_follow_up", { follow_up: item.id, staff: staff.trim() });
  });
}

function noteInput(hintKey) {
  return el("textarea", {
    class: "follow-up-note",
    rows: "2",
    maxlength: "2000",
    placeholder: t(hintKey),
    "aria-label": t(hintKey),
  });
}

function callbackForm(item) {
  const note = noteInput("follow_up.note_hint");
  const record = (outcome) => () =>
    act("record_callback", { follow_up: item.id, outcome, note: note.value.trim() || null });
  const nodes = [
    note,
    el(
      "div",
      { class: "row" },
      button("follow_up.reached", "reached", record("reached"), "button-primary"),
      button("follow_up.unreachable", "unreachable", record("unreachable")),
    ),
  ];
  if (item.has_phone) nodes.unshift(phoneLine(item));
  return nodes;
}

function phoneLine(item) {
  const phone = board.phones.get(item.id);
  if (phone) return el("p", { class: "follow-up-phone" }, t("follow_up.phone", { phone }));
  return button("follow_up.show_phone", "phone", async () => {
    const response = await fetch(
      `/api/halls/${encodeURIComponent(board.hall)}/follow-ups/${encodeURIComponent(item.id)}/phone`,
      { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" },
    );
    if (!response.ok) return;
    board.phones.set(item.id, (await response.json()).phone);
    render();
  });
}

function noteForm(item, name, key, hintKey) {
  const note = noteInput(hintKey);
  const submit = () => {
    const text = note.value.trim();
    if (text) act(name, { follow_up: item.id, note: text });
  };
  return el("div", { class: "follow-up-form" }, note, button(key, "rectify", submit, "button-primary"));
}

function closeButtons(item) {
  const note = noteInput("follow_up.close_hint");
  const close = (satisfied) => () =>
    act("close_follow_up", { follow_up: item.id, satisfied, note: note.value.trim() || null });
  return [
    note,
    el(
      "div",
      { class: "row" },
      button("follow_up.close_satisfied", "satisfied", close(true), "button-primary"),
      button("follow_up.close_unsatisfied", "unsatisfied", close(false)),
    ),
  ];
}

// --- a complaint taken on the floor, by phone or by letter ----------------------------------------

const CHANNELS = ["tablet", "phone", "12345", "letter", "web", "in_person"];

function renderComplaintForm() {
  const form = $("#complaint-form");
  const text = el("textarea", {
    id: "complaint-text",
    rows: "2",
    maxlength: "2000",
    required: true,
    placeholder: t("follow_up.complaint_hint"),
    "aria-label": t("follow_up.complaint_hint"),
  });
  const channel = el(
    "select",
    { id: "complaint-channel", "aria-label": t("follow_up.complaint_channel") },
    CHANNELS.map((id) => el("option", { value: id }, t(`follow_up.channel.${id}`))),
  );
  const submit = el(
    "button",
    { type: "submit", class: "button button-primary", id: "complaint-submit" },
    t("follow_up.file_complaint"),
  );
  form.replaceChildren(
    el("h3", { class: "dialog-subtitle" }, t("follow_up.complaint_title")),
    text,
    el("div", { class: "row" }, channel, submit),
  );
}

$("#complaint-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("#complaint-text").value.trim();
  if (!text) return;
  const result = await act("file_complaint", { text, channel: $("#complaint-channel").value });
  if (result) $("#complaint-text").value = "";
});

// --- following the hall --------------------------------------------------------------------------

function reveal(id) {
  const node = document.getElementById(`follow-up-${id}`);
  if (!node) return;
  focused = null;
  for (const other of section.querySelectorAll(".follow-up-row[data-focused]")) delete other.dataset.focused;
  node.dataset.focused = "true";
  node.scrollIntoView({ block: "center", behavior: "smooth" });
}

connection.on("snapshot", (snapshot) => {
  board.hall = snapshot.hall.id;
  board.timeZone = snapshot.hall.timezone;
  board.services = new Map((snapshot.services ?? []).map((service) => [service.id, service.name]));
  load();
});

connection.on("event", ({ event }) => {
  if (event.startsWith("follow_up.") || event === "hall.day_started") load();
});

document.addEventListener("hall:tablet-signed-in", () => load());

document.addEventListener("hall:open-follow-up", (event) => {
  const id = event.detail?.followUp;
  if (!id) return;
  event.preventDefault();
  focused = id;
  if (board.items.has(id)) reveal(id);
  else load();
});

renderComplaintForm();
onLanguageChange(() => {
  renderComplaintForm();
  render();
});
