// The tracker following a case (办件, /t/{case track}): its status in plain words (已受理 / 审批中 /
// 请补正 with the items to bring / 可领证: where and when / 已送达), the four steps 受理 → 审批 →
// 出证 → 送达, and the promised date. tracker.js hands over a snapshot that holds a `case`, and
// every `case.*` event; the ticket's sections stay hidden.

import { $, currentLanguage, el, onLanguageChange, show, t } from "./hall.js";

const STEP_KEYS = ["case.status.accepted", "case.status.reviewing", "case.status.ready", "case.status.delivered"];
const STEP_OF = {
  accepted: 1,
  documents_requested: 1,
  reviewing: 2,
  approved: 2,
  rejected: 2,
  ready: 3,
  delivered: 4,
};

const state = { active: false, view: null };

/** Take over the page when the snapshot is a case's; false for a ticket's. */
export function followCase(snapshot) {
  if (!("case" in snapshot)) return false;
  state.active = true;
  state.view = snapshot.case;
  document.body.classList.add("tracking-case");
  for (const node of document.querySelectorAll("title, .page-title")) {
    node.dataset.i18n = "case.track.title"; // 办件进度, not 排队进度
    node.textContent = t("case.track.title");
  }
  render();
  return true;
}

/** A `case.*` event for the followed case: its status as the office changed it. */
export function caseEvent(event, data) {
  if (!event.startsWith("case.")) return false;
  if (!state.active || !state.view || data.case?.id !== state.view.id) return true;
  const c = data.case;
  state.view = {
    ...state.view,
    status: c.status,
    due: c.due,
    items: c.items,
    pickup: c.pickup,
    reason: c.reason,
    closed: c.status === "rejected" || c.status === "delivered",
  };
  render();
  return true;
}

function render() {
  if (!state.active) return;
  const box = $("#track-case");
  show(box, true);
  const c = state.view;
  if (!c) {
    $("#case-id").textContent = "—";
    $("#case-status").textContent = t("case.track.gone");
    for (const id of ["#case-service", "#case-detail", "#case-due", "#case-office"]) $(id).textContent = "";
    show($("#case-items"), false);
    $("#case-steps").replaceChildren();
    return;
  }
  box.dataset.status = c.status;
  $("#case-id").textContent = c.id;
  $("#case-service").textContent = currentLanguage() === "en" && c.service.name_en ? c.service.name_en : c.service.name;
  $("#case-status").textContent = t(`case.status.${c.status}`);
  $("#case-detail").textContent = detail(c);
  const items = $("#case-items");
  items.replaceChildren(...(c.items ?? []).map((item) => el("li", {}, item)));
  show(items, c.status === "documents_requested" && c.items.length > 0);
  $("#case-due").textContent = c.closed ? "" : t("case.due", { date: c.due });
  $("#case-office").textContent = c.office ? t("case.track.office", { office: c.office }) : "";
  const reached = STEP_OF[c.status] ?? 0;
  $("#case-steps").replaceChildren(
    ...STEP_KEYS.map((key, index) => el("li", { dataset: { done: String(index < reached) } }, t(key))),
  );
}

function detail(c) {
  switch (c.status) {
    case "documents_requested":
      return t("case.track.documents");
    case "ready":
      return c.pickup === "mail"
        ? t("case.track.ready_mail")
        : t("case.track.ready_window", {
            open: c.open_time,
            close: c.close_time,
            windows: c.pickup_windows.map((w) => w.name).join("、"),
          });
    case "delivered":
      return t("case.track.delivered");
    case "rejected":
      return t("case.track.rejected", { reason: c.reason });
    case "approved":
      return t("case.track.approved");
    case "reviewing":
      return t("case.track.reviewing");
    default:
      return t("case.track.accepted");
  }
}

onLanguageChange(render);
