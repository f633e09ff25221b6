// tablet-cases.js: the tablet's case panel (办件). Open cases per back office by status, and the
// overdue ones, from the `cases` figures of the metrics message; read only (offices act on
// /office). Uses the page's own connection (tablet.js) and puts its section in `#tablet-extra`.

import { $, el, onLanguageChange, t } from "./hall.js";

const STATUSES = ["accepted", "documents_requested", "reviewing", "approved", "ready"];
const connection = window.hall.connection;
let figures = null;

const section = el(
  "section",
  { class: "card tablet-section", id: "cases-section", "aria-labelledby": "cases-title" },
  el("h2", { class: "section-title", id: "cases-title" }),
  el("table", { class: "cases-table", id: "cases-table" }),
  el("p", { class: "hint", id: "cases-empty" }),
);
$("#tablet-extra").append(section);

function header() {
  const cells = [t("tablet.cases.office"), ...STATUSES.map((s) => t(`case.status.${s}`)), t("tablet.cases.overdue")];
  return el("tr", {}, ...cells.map((text) => el("th", { scope: "col" }, text)));
}

function officeRow(office, counts) {
  const overdue = figures.overdue[office] ?? 0;
  return el(
    "tr",
    { dataset: { office } },
    el("th", { scope: "row" }, figures.names?.[office] ?? office),
    ...STATUSES.map((s) => el("td", { dataset: { status: s } }, String(counts[s] ?? 0))),
    el("td", { class: overdue > 0 ? "cases-overdue" : "", dataset: { status: "overdue" } }, String(overdue)),
  );
}

function render() {
  $("#cases-title").textContent = t("tablet.cases.title", {
    open: figures?.open_total ?? 0,
    overdue: figures?.overdue_total ?? 0,
  });
  const offices = Object.entries(figures?.open ?? {});
  section.hidden = figures === null || offices.length === 0;
  if (section.hidden) return;
  $("#cases-table").replaceChildren(header(), ...offices.map(([office, counts]) => officeRow(office, counts)));
  $("#cases-empty").textContent = figures.open_total === 0 ? t("tablet.cases.none") : "";
}

connection.on("metrics", (message) => {
  figures = message.cases ?? null;
  render();
});
onLanguageChange(render);
render();
