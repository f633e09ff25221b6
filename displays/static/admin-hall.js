// admin-hall.js: the hall setup section of the admin page: the hall document as a form (name,
// time zone, opening hours and weekdays, holidays and 调休 workdays, queues, services, windows,
// rules), saved with `PUT /api/halls/{hall}` (which reconfigures the running hall in place: the
// day's tickets stay); the server's problems next to their fields; the document exported to and
// imported from a JSON file; a new hall from an id and a name.
//
// The document loaded (from the server or a file) is kept, and saving overwrites only what the
// form edits: fields the form does not know survive a round trip.

import { $, el, onLanguageChange, show, t } from "./hall.js";
import {
  ApiError,
  api,
  clearOnEdit,
  clearProblems,
  hallPath,
  problemsOf,
  showProblems,
  toast,
} from "./admin-api.js";
import { bindLists, fillLists, listItems } from "./admin-lists.js";

const HALL_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** The rules the form edits besides the opening hours: [rule, kind, min, max, default]. */
const RULES = [
  ["routing", "choice", ["weighted", "strict"], null, "weighted"],
  ["priority_cap", "number", 1, 100, 3],
  ["max_wait_minutes", "number", 1, 1440, 60],
  ["max_recalls", "number", 0, 10, 2],
  ["reactivate_minutes", "number", 0, 1440, 30],
  ["reactivate_places", "number", 0, 1000, 3],
  ["slot_minutes", "number", 5, 240, 30],
  ["check_in_early_minutes", "number", 0, 240, 30],
  ["check_in_late_minutes", "number", 0, 240, 15],
  ["booking_days_ahead", "number", 0, 366, 14],
  ["no_show_limit", "number", 1, 100, 3],
  ["rating_timeout_seconds", "number", 5, 3600, 120],
  ["callback_working_days", "number", 0, 60, 1],
  ["rectify_working_days", "number", 1, 366, 15],
  ["complaint_reply_working_days", "number", 1, 366, 5],
  ["callback_share", "number", 0, 1, 0],
  ["service_target_minutes", "number", 0.1, 480, 15],
  ["announce_repeat", "number", 1, 5, 2],
  ["tablet_requires_manager", "flag", null, null, true],
];
const HOURS = ["open_time", "close_time"];
const DATE_LISTS = ["holidays", "workdays"];

const state = {
  hall: null, // the hall the form edits; null for a new one
  base: {}, // the document loaded, under what the form edits
  halls: [], // ids of the server's halls (a new hall must not take one)
  problems: { count: 0, unplaced: [] }, // of the last save
  onSaved: null,
};

// --- filling the form ---------------------------------------------------------------------------

function fillForm(doc, { isNew }) {
  const form = $("#hall-form");
  clearProblems(form);
  show($("#hall-problems"), false);
  state.base = structuredClone(doc);
  const rules = isObject(doc.rules) ? doc.rules : {};
  $("#hall-id").value = doc.id ?? "";
  $("#hall-id").readOnly = !isNew;
  $("#hall-name-input").value = doc.name ?? "";
  $("#hall-timezone").value = doc.timezone ?? "Asia/Shanghai";
  for (const rule of HOURS) $(`#rule-${rule}`).value = rules[rule] ?? "";
  const weekdays = Array.isArray(rules.weekdays) ? rules.weekdays : [1, 2, 3, 4, 5, 6, 7];
  for (const box of form.querySelectorAll("[name=weekday]")) box.checked = weekdays.includes(Number(box.value));
  for (const list of DATE_LISTS) renderDates(list, Array.isArray(rules[list]) ? rules[list] : []);
  fillLists(doc);
  renderRules(rules);
  show($("#hall-new-note"), isNew);
  show($("#create"), false);
  show(form, true);
}

function renderRules(rules) {
  const box = $("#rules-fields");
  box.replaceChildren(
    ...RULES.map(([rule, kind, min, max, fallback]) => {
      let input;
      if (kind === "choice") {
        input = el(
          "select",
          { id: `rule-${rule}`, "data-rule": rule },
          ...min.map((choice) =>
            el("option", { value: choice, "data-i18n": `admin.rule.${rule}.${choice}` }, t(`admin.rule.${rule}.${choice}`)),
          ),
        );
        input.value = rules[rule] ?? fallback;
      } else if (kind === "flag") {
        input = el("input", { type: "checkbox", id: `rule-${rule}`, "data-rule": rule });
        input.checked = rules[rule] ?? fallback;
      } else {
        input = el("input", {
          type: "number",
          id: `rule-${rule}`,
          "data-rule": rule,
          min,
          max,
          step: "any",
          inputmode: "decimal",
          placeholder: String(fallback),
          value: rules[rule] ?? "",
        });
      }
      const label = el("span", { "data-i18n": `admin.rule.${rule}` }, t(`admin.rule.${rule}`));
      const inner = kind === "flag" ? el("span", { class: "admin-check" }, input, label) : [label, input];
      return el(
        kind === "flag" ? "div" : "label",
        { class: "field", dataset: { path: `rules.${rule}` } },
        inner,
        el("small", { class: "field-hint", dataset: { range: rule } }, rangeText(rule)),
        el("span", { class: "field-error", role: "alert" }),
      );
    }),
  );
}

function rangeText(rule) {
  const [, kind, min, max, fallback] = RULES.find(([name]) => name === rule);
  const about = t(`admin.rule_hint.${rule}`);
  if (kind !== "number") return about;
  return `${about} ${t("admin.rules.range", { min, max, fallback })}`;
}

function renderDates(list, dates) {
  const box = $(`[data-dates="${list}"] .admin-chips`);
  box.replaceChildren(
    ...[...new Set(dates.map(String))].sort().map((day) =>
      el(
        "li",
        { class: "admin-chip", dataset: { date: day } },
        el("span", {}, day),
        el("button", {
          type: "button",
          class: "admin-chip-remove",
          "aria-label": t("admin.remove_date", { date: day }),
          text: "×",
          onclick: (event) => event.currentTarget.closest("li").remove(),
        }),
      ),
    ),
  );
}

function datesOf(list) {
  return [...document.querySelectorAll(`[data-dates="${list}"] .admin-chip`)].map((chip) => chip.dataset.date);
}

// --- the document the form holds ------------------------------------------------------------------

/** The loaded document with what the form edits written over it. */
export function formDocument() {
  const doc = structuredClone(state.base);
  doc.id = $("#hall-id").value.trim();
  doc.name = $("#hall-name-input").value.trim();
  doc.timezone = $("#hall-timezone").value.trim();
  doc.queues = listItems("queues");
  doc.services = listItems("services");
  doc.windows = listItems("windows");
  const rules = isObject(doc.rules) ? doc.rules : {};
  for (const rule of HOURS) setRule(rules, rule, $(`#rule-${rule}`).value.trim());
  rules.weekdays = [...$("#hall-form").querySelectorAll("[name=weekday]:checked")].map((box) => Number(box.value));
  for (const list of DATE_LISTS) {
    const dates = datesOf(list);
    if (dates.length || list in rules) rules[list] = dates;
  }
  for (const [rule, kind] of RULES) {
    const input = $(`#rule-${rule}`);
    if (kind === "flag") rules[rule] = input.checked;
    else if (kind === "choice") rules[rule] = input.value;
    else if (input.validity.badInput) rules[rule] = null;
    else setRule(rules, rule, input.value === "" ? "" : Number(input.value));
  }
  doc.rules = rules;
  return doc;
}

function setRule(rules, rule, value) {
  if (value === "") delete rules[rule];
  else rules[rule] = value;
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

// --- loading, saving -------------------------------------------------------------------------------

/** Load a hall of the server into the form; its document. */
export async function loadHall(hall, halls) {
  state.hall = hall;
  state.halls = halls;
  const doc = await api("GET", hallPath(hall));
  fillForm(doc, { isNew: false });
  return doc;
}

/** The "new hall" card: an id and a name, then the form. */
export function startNewHall(halls) {
  state.hall = null;
  state.halls = halls;
  show($("#hall-form"), false);
  show($("#create"), true);
  clearProblems($("#create-form"));
  $("#create-id").value = "";
  $("#create-name").value = "";
  $("#create-hint").dataset.i18n = halls.length ? "admin.create_hint" : "admin.create_first";
  $("#create-hint").textContent = t($("#create-hint").dataset.i18n);
  $("#create-id").focus();
}

function starterDocument(id, name) {
  return {
    id,
    name,
    timezone: "Asia/Shanghai",
    queues: [{ id: "A", name: t("admin.starter.queue"), prefix: "A", service_minutes: 6 }],
    services: [{ id: "general", name: t("admin.starter.service"), queue: "A", category: "", bookable: true, slot_capacity: 2 }],
    windows: [{ id: "1", name: t("admin.windows.default_name", { n: "1" }), queues: { A: 1 } }],
    rules: { open_time: "08:30", close_time: "17:30", weekdays: [1, 2, 3, 4, 5] },
  };
}

function idProblem(id) {
  if (!HALL_ID.test(id)) return `id: ${t("admin.hall.id_hint")}`;
  if (state.halls.includes(id)) return `id: ${t("admin.hall.id_taken", { id })}`;
  return null;
}

function createNext(event) {
  event.preventDefault();
  const id = $("#create-id").value.trim();
  const name = $("#create-name").value.trim();
  const problems = [idProblem(id), name ? null : `name: ${t("admin.hall.name_required")}`].filter(Boolean);
  if (problems.length) {
    showProblems($("#create-form"), problems);
    return;
  }
  fillForm(starterDocument(id, name), { isNew: true });
  $("#hall-name-input").focus();
}

async function save(event) {
  event.preventDefault();
  const form = $("#hall-form");
  const doc = formDocument();
  const hall = state.hall ?? doc.id;
  const local = state.hall ? null : idProblem(hall);
  if (local) {
    showSaveProblems([local]);
    return;
  }
  $("#hall-save").disabled = true;
  try {
    const answer = await api("PUT", hallPath(hall), doc);
    const created = Boolean(answer.result?.created);
    clearProblems(form);
    show($("#hall-problems"), false);
    toast(t(created ? "admin.hall.created" : "admin.hall.saved", { name: doc.name }));
    state.hall = hall;
    if (state.onSaved) await state.onSaved(hall, created);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showSaveProblems(problemsOf(error));
  } finally {
    $("#hall-save").disabled = false;
  }
}

function showSaveProblems(problems) {
  state.problems = { count: problems.length, unplaced: showProblems($("#hall-form"), problems, null) };
  renderProblems();
  show($("#hall-problems"), true);
}

/** The summary over the form: how many problems, and those no field took. */
function renderProblems() {
  const box = $("#hall-problems");
  const { count, unplaced } = state.problems;
  box.replaceChildren(el("p", { class: "admin-problems-title" }, t("admin.hall.problems", { count })));
  if (unplaced.length) box.append(el("ul", {}, ...unplaced.map((problem) => el("li", {}, problem))));
}

// --- files ---------------------------------------------------------------------------------------------

function exportDocument() {
  const doc = formDocument();
  const blob = new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: `hall-${doc.id || "new"}.json` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

async function importDocument(file) {
  let doc;
  try {
    doc = JSON.parse(await file.text());
  } catch {
    doc = null;
  }
  if (!isObject(doc)) {
    toast(t("admin.import_bad", { file: file.name }), "error");
    return;
  }
  const isNew = state.hall === null;
  if (!isNew) doc.id = state.hall; // the file fills the form of the hall being edited
  else if (typeof doc.id !== "string") doc.id = $("#create-id").value.trim();
  fillForm(doc, { isNew });
  toast(t("admin.imported", { file: file.name }));
}

// --- wiring --------------------------------------------------------------------------------------------

export function bindHallForm({ onSaved }) {
  state.onSaved = onSaved;
  bindLists();
  const form = $("#hall-form");
  form.addEventListener("submit", save);
  clearOnEdit(form);
  clearOnEdit($("#create-form"));
  $("#create-form").addEventListener("submit", createNext);
  $("#hall-export").addEventListener("click", exportDocument);
  const file = $("#import-file");
  for (const button of [$("#hall-import"), $("#create-import")]) button.addEventListener("click", () => file.click());
  file.addEventListener("change", async () => {
    const [chosen] = file.files;
    file.value = "";
    if (chosen) await importDocument(chosen);
  });
  for (const list of DATE_LISTS) {
    const box = $(`[data-dates="${list}"]`);
    box.querySelector(".admin-date-button").addEventListener("click", () => {
      const input = box.querySelector(".admin-date-input");
      if (!input.value) return;
      renderDates(list, [...datesOf(list), input.value]);
      input.value = "";
    });
  }
  onLanguageChange(() => {
    for (const node of document.querySelectorAll("[data-range]")) node.textContent = rangeText(node.dataset.range);
    renderProblems();
  });
}
