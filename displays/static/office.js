// The back office (/office, 后台审批): one office's cases (办件), sorted by due date, in tabs: to
// review, awaiting the citizen's documents (补正: the clock is paused), to issue or collect,
// overdue, closed today. A case's detail shows who did what when, and the office's actions:
// ask for documents, approve, reject with a reason, make the certificate ready for the pickup
// window or for mail, and deliver a mailed one. The office never sees the citizen's phone: the
// server never sends it.

import {
  $,
  HallConnection,
  SETTINGS,
  bindBanner,
  currentLanguage,
  el,
  onLanguageChange,
  pairedToken,
  setHallName,
  show,
  showKeyedMessage,
  t,
} from "./hall.js";

const RUNNING = new Set(["accepted", "reviewing", "approved"]); // the promise clock runs
const CLOSED = new Set(["rejected", "delivered"]);
const TABS = {
  open: (c) => !CLOSED.has(c.status),
  review: (c) => c.status === "accepted" || c.status === "reviewing",
  documents: (c) => c.status === "documents_requested",
  issue: (c) => c.status === "approved" || c.status === "ready",
  overdue: (c) => isOverdue(c),
  closed: (c) => CLOSED.has(c.status),
};

const state = {
  office: null, // {id, name}
  timezone: "Asia/Shanghai",
  day: "", // the hall's service day (YYYY-MM-DD): a case past its due date is overdue
  services: new Map(),
  cases: new Map(),
  tab: "open",
  selected: null,
  busy: false,
};

const token = pairedToken();
const connection = new HallConnection({ hello: () => ({ token, kind: "office" }) });
const banner = bindBanner(connection);
window.hall.connection = connection;

connection.on("snapshot", (snapshot, welcome) => {
  const allowed = SETTINGS.kinds ?? ["office"];
  banner.setMessage(allowed.includes(welcome.device.kind) ? null : "conn.wrong_kind");
  setHallName(snapshot.hall.name);
  state.office = snapshot.office ?? null;
  state.timezone = snapshot.hall.timezone ?? state.timezone;
  state.day = snapshot.day ?? snapshot.hall.day ?? "";
  state.services = new Map((snapshot.services ?? []).map((s) => [s.id, s]));
  state.cases = new Map((snapshot.cases ?? []).map((c) => [c.id, c]));
  render();
});

connection.on("event", ({ event, data, at }) => {
  if (!event.startsWith("case.")) return;
  state.cases.set(data.case.id, data.case);
  const today = localDay(at);
  if (today > state.day) state.day = today;
  render();
});

/** The hall's local date (YYYY-MM-DD) at an event's time: a day that turns while the page is
 * open makes cases overdue without a new snapshot. */
function localDay(at) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: state.timezone }).format(new Date(at));
}

function isOverdue(c) {
  return RUNNING.has(c.status) && Boolean(state.day) && c.due < state.day;
}

// --- rendering ---------------------------------------------------------------------------------

function sortedCases() {
  return [...state.cases.values()].sort((a, b) =>
    a.due === b.due ? a.id.localeCompare(b.id) : a.due.localeCompare(b.due),
  );
}

function render() {
  $("#office-name").textContent = state.office?.name ?? "";
  $("#office-day").textContent = state.day;
  show($("#office-unbound"), state.office === null && connection.device !== null);
  const all = sortedCases();
  for (const button of document.querySelectorAll("[data-tab]")) {
    const tab = button.dataset.tab;
    button.setAttribute("aria-selected", String(tab === state.tab));
    button.querySelector("[data-count]").textContent = all.filter(TABS[tab]).length;
  }
  const shown = all.filter(TABS[state.tab]);
  $("#cases").replaceChildren(...shown.map(caseRow));
  show($("#cases-empty"), shown.length === 0);
  renderDetail();
}

function caseRow(c) {
  const row = el(
    "tr",
    { class: "office-row", dataset: { case: c.id }, tabindex: "0" },
    el("td", { class: "office-row-id" }, c.id, el("div", { class: "office-row-number" }, c.number)),
    el("td", {}, serviceName(c.service)),
    el("td", {}, statusChip(c)),
    el("td", { class: isOverdue(c) ? "office-row-due office-late" : "office-row-due" }, c.due),
  );
  row.setAttribute("aria-selected", String(c.id === state.selected));
  row.addEventListener("click", () => select(c.id));
  row.addEventListener("keydown", (event) => {
    if (event.key === "Enter") select(c.id);
  });
  return row;
}

function statusChip(c) {
  const chip = el("span", { class: "status-chip case-chip" }, t(`case.status.${c.status}`));
  chip.dataset.status = isOverdue(c) ? "overdue" : c.status;
  return chip;
}

function serviceName(id) {
  const service = state.services.get(id);
  if (!service) return id;
  return currentLanguage() === "en" && service.name_en ? service.name_en : service.name;
}

function select(id) {
  state.selected = id;
  showKeyedMessage($("#action-error"), null);
  render();
}

function renderDetail() {
  const c = state.cases.get(state.selected);
  show($("#choose"), !c);
  show($("#case"), Boolean(c));
  if (!c) return;
  $("#case-id").textContent = c.id;
  const chip = $("#case-status");
  chip.textContent = t(`case.status.${c.status}`);
  chip.dataset.status = c.status;
  show($("#case-overdue"), isOverdue(c));
  $("#case-service").textContent = serviceName(c.service);
  $("#case-meta").textContent = [
    t("office.ticket", { number: c.number }),
    t("office.opened_at", { time: localTime(c.opened_at) }),
  ].join(" · ");
  $("#case-due").textContent = t("case.due", { date: c.due });
  const items = $("#case-items");
  items.replaceChildren(...c.items.map((item) => el("li", {}, item)));
  show(items, c.items.length > 0);
  renderWaiting(c);
  show($("#actions-review"), c.status === "accepted" || c.status === "reviewing");
  show($("#actions-issue"), c.status === "approved");
  show($("#actions-mail"), c.status === "ready" && c.pickup === "mail");
  for (const button of document.querySelectorAll(".office-actions button")) button.disabled = state.busy;
  $("#case-history").replaceChildren(...c.history.map(historyLine));
}

function renderWaiting(c) {
  const wait = $("#case-wait");
  let text = "";
  if (c.status === "documents_requested") text = t("office.waiting_citizen");
  else if (c.status === "ready" && c.pickup === "window") text = t("office.waiting_pickup");
  else if (CLOSED.has(c.status)) {
    text = t("office.done", { status: t(`case.status.${c.status}`) });
    if (c.reason) text += `：${c.reason}`;
  }
  wait.textContent = text;
  show(wait, Boolean(text));
}

function historyLine(step) {
  const who = step.by === state.office?.id ? state.office.name : step.by;
  return el(
    "li",
    { class: "office-step" },
    el("span", { class: "office-step-time" }, localTime(step.at)),
    el("span", { class: "office-step-action" }, t(`case.action.${step.action}`)),
    step.note && step.action !== "check_in" ? el("span", { class: "office-step-note" }, noteText(step)) : "",
    who ? el("span", { class: "office-step-by" }, t("office.by", { who })) : "",
  );
}

function noteText(step) {
  return step.action === "ready_case" ? t(`case.pickup.${step.note}`) : step.note;
}

function localTime(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(currentLanguage() === "en" ? "en-GB" : "zh-CN", {
    timeZone: state.timezone,
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
}

// --- actions -----------------------------------------------------------------------------------

async function act(name, args) {
  const c = state.cases.get(state.selected);
  if (!c || state.busy) return;
  state.busy = true;
  showKeyedMessage($("#action-error"), null);
  render();
  try {
    const result = await connection.command(name, { case: c.id, ...args });
    if (result?.case) state.cases.set(result.case.id, result.case);
    $("#items").value = "";
    $("#reason").value = "";
  } catch (error) {
    showKeyedMessage($("#action-error"), `error.${error.code}`);
  } finally {
    state.busy = false;
    render();
  }
}

function requestDocuments() {
  const items = $("#items")
    .value.split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  if (items.length === 0) {
    $("#items").focus();
    return;
  }
  act("request_documents", { items });
}

function reject() {
  const reason = $("#reason").value.trim();
  if (!reason) {
    $("#reason").focus();
    return;
  }
  act("reject_case", { reason });
}

for (const button of document.querySelectorAll("[data-tab]")) {
  button.addEventListener("click", () => {
    state.tab = button.dataset.tab;
    render();
  });
}
$("#request-documents").addEventListener("click", requestDocuments);
$("#approve").addEventListener("click", () => act("approve_case", {}));
$("#reject").addEventListener("click", reject);
$("#ready-window").addEventListener("click", () => act("ready_case", { pickup: "window" }));
$("#ready-mail").addEventListener("click", () => act("ready_case", { pickup: "mail" }));
$("#deliver-mail").addEventListener("click", () => act("deliver_case", {}));
onLanguageChange(render);
render();
connection.start();
