// admin-lists.js: the hall form's three lists: queues (id, name, prefix, expected minutes),
// services (id, name, the queue or the steps of a bundle, category, bookable, slot capacity)
// and windows (id, name, the queues they serve with their weights).
//
// The form's fields are the truth: `listItems(name)` reads them back into document items, each
// over the item it was loaded from, so fields the form does not show survive. Each field has a
// `data-path` as the server names it in its problems ("services[3].queue"), renumbered whenever
// a row comes or goes. A queue renamed or removed is renamed or removed in the services' steps
// and the windows' profiles too.

import { $, el, t } from "./hall.js";

const origins = new WeakMap(); // row -> the document item it was loaded from
const LISTS = ["queues", "services", "windows"];

// --- small builders --------------------------------------------------------------------------

function field(sub, labelKey, input, { hint = null, wide = false } = {}) {
  return el(
    "label",
    { class: `field${wide ? " field-wide" : ""}`, dataset: { sub } },
    el("span", { "data-i18n": labelKey }, t(labelKey)),
    input,
    hint ? el("small", { class: "field-hint", "data-i18n": hint }, t(hint)) : null,
    el("span", { class: "field-error", role: "alert" }),
  );
}

function input(name, value, attrs = {}) {
  return el("input", { name, value: value ?? "", autocomplete: "off", ...attrs });
}

function numberInput(name, value, min, max, step) {
  return input(name, value, { type: "number", min, max, step, inputmode: "decimal" });
}

function removeButton(list) {
  return el("button", {
    type: "button",
    class: "choice choice-danger admin-remove",
    "data-i18n": `admin.${list}.remove`,
    text: t(`admin.${list}.remove`),
  });
}

function rowShell(list, item, ...fields) {
  const row = el(
    "div",
    { class: "admin-row", dataset: { list } },
    el("div", { class: "admin-row-fields" }, ...fields),
    el("div", { class: "admin-row-foot" }, el("span", { class: "field-error", role: "alert" }), removeButton(list)),
  );
  origins.set(row, item);
  return row;
}

function rows(list) {
  return [...$(`#${list}-rows`).children];
}

function value(row, name) {
  return row.querySelector(`[name="${name}"]`).value.trim();
}

/** A number field's value: null when empty or not a number (the server names the problem). */
function numberOf(node) {
  return node.value === "" ? null : Number(node.value);
}

// --- queues ----------------------------------------------------------------------------------

function queueRow(item) {
  const id = input("id", item.id, { maxlength: 32, autocapitalize: "off", spellcheck: "false" });
  id.dataset.prev = item.id ?? "";
  return rowShell(
    "queues",
    item,
    field("id", "admin.field.id", id),
    field("name", "admin.field.name", input("name", item.name, { maxlength: 100 }), { wide: true }),
    field("prefix", "admin.queues.prefix", input("prefix", item.prefix, { maxlength: 2, autocapitalize: "characters" })),
    field("service_minutes", "admin.queues.minutes", numberInput("service_minutes", item.service_minutes, 0.1, 480, 0.1)),
    field("area", "admin.queues.area", input("area", item.area, { maxlength: 50 }), { hint: "admin.queues.area_hint" }),
  );
}

/** The queues as the form has them now: [{id, name}], ids given only. */
export function queueChoices() {
  const seen = new Set();
  const choices = [];
  for (const row of rows("queues")) {
    const id = value(row, "id");
    if (!id || seen.has(id)) continue;
    seen.add(id);
    choices.push({ id, name: value(row, "name") });
  }
  return choices;
}

function queueLabel(queue) {
  return queue.name ? `${queue.id} · ${queue.name}` : queue.id;
}

function freeQueueId() {
  const used = new Set(rows("queues").flatMap((row) => [value(row, "id"), value(row, "prefix")]));
  for (const letter of "ABCDEFGHJKLMNPQRSTUVWXYZ") if (!used.has(letter)) return letter;
  return "";
}

// --- services --------------------------------------------------------------------------------

function stepSelect(queue) {
  const select = el("select", { class: "admin-step", "aria-label": t("admin.services.steps") });
  fillStep(select, queue ?? "");
  return select;
}

function fillStep(select, chosen) {
  const queues = queueChoices();
  select.replaceChildren(
    el("option", { value: "", "data-i18n": "admin.services.pick_queue" }, t("admin.services.pick_queue")),
    ...queues.map((queue) => el("option", { value: queue.id }, queueLabel(queue))),
  );
  if (chosen && !queues.some((queue) => queue.id === chosen)) {
    select.append(el("option", { value: chosen }, t("admin.services.unknown_queue", { id: chosen })));
  }
  select.value = chosen;
}

function stepsBox(steps) {
  const box = el("div", { class: "admin-steps" });
  for (const [index, step] of steps.entries()) box.append(stepItem(step, index > 0));
  const add = el("button", {
    type: "button",
    class: "choice admin-step-add",
    "data-i18n": "admin.services.add_step",
    text: t("admin.services.add_step"),
  });
  add.addEventListener("click", () => add.before(stepItem("", true)));
  box.append(add);
  return box;
}

function stepItem(queue, removable) {
  const item = el("span", { class: "admin-step-item" }, stepSelect(queue));
  if (removable) {
    const remove = el("button", {
      type: "button",
      class: "choice choice-danger admin-step-remove",
      "aria-label": t("admin.services.remove_step"),
      "data-i18n-aria-label": "admin.services.remove_step",
      text: "×",
    });
    remove.addEventListener("click", () => item.remove());
    item.append(remove);
  }
  return item;
}

function serviceRow(item) {
  const steps = Array.isArray(item.steps) ? item.steps : [item.queue ?? ""];
  const bookable = el("input", { type: "checkbox", name: "bookable" });
  bookable.checked = item.bookable !== false;
  return rowShell(
    "services",
    item,
    field("id", "admin.field.id", input("id", item.id, { maxlength: 32, autocapitalize: "off", spellcheck: "false" })),
    field("name", "admin.field.name", input("name", item.name, { maxlength: 100 }), { wide: true }),
    el(
      "div",
      { class: "field field-wide", dataset: { sub: "queue" } },
      el("span", { "data-i18n": "admin.services.steps" }, t("admin.services.steps")),
      stepsBox(steps),
      el("small", { class: "field-hint", "data-i18n": "admin.services.steps_hint" }, t("admin.services.steps_hint")),
      el("span", { class: "field-error", role: "alert" }),
    ),
    field("category", "admin.services.category", input("category", item.category, { maxlength: 100, list: "service-categories" })),
    el(
      "label",
      { class: "field admin-check-field", dataset: { sub: "bookable" } },
      el("span", { "data-i18n": "admin.services.bookable" }, t("admin.services.bookable")),
      el("span", { class: "admin-check" }, bookable, el("span", { "data-i18n": "admin.services.bookable_yes" }, t("admin.services.bookable_yes"))),
      el("span", { class: "field-error", role: "alert" }),
    ),
    field("slot_capacity", "admin.services.capacity", numberInput("slot_capacity", item.slot_capacity ?? 2, 0, 1000, 1), {
      hint: "admin.services.capacity_hint",
    }),
  );
}

// --- windows ---------------------------------------------------------------------------------

function windowRow(item) {
  const weights = new Map(Object.entries(item.queues ?? {}).map(([queue, weight]) => [queue, { on: true, weight }]));
  const box = el("div", { class: "admin-weights" });
  const row = rowShell(
    "windows",
    item,
    field("id", "admin.field.id", input("id", item.id, { maxlength: 32, autocapitalize: "off", spellcheck: "false" })),
    field("name", "admin.field.name", input("name", item.name, { maxlength: 100 }), { wide: true }),
    el(
      "div",
      { class: "field field-full", dataset: { sub: "queues" } },
      el("span", { "data-i18n": "admin.windows.queues" }, t("admin.windows.queues")),
      box,
      el("small", { class: "field-hint", "data-i18n": "admin.windows.queues_hint" }, t("admin.windows.queues_hint")),
      el("span", { class: "field-error", role: "alert" }),
    ),
  );
  renderWeights(row, weights);
  return row;
}

function weightsOf(row) {
  const weights = new Map();
  for (const item of row.querySelectorAll(".admin-weight")) {
    const on = item.querySelector("input[type=checkbox]").checked;
    const weight = item.querySelector("input[type=number]").value;
    weights.set(item.dataset.queue, { on, weight: weight === "" ? "" : Number(weight) });
  }
  return weights;
}

/** One line per queue of the form (and per queue the window names that the form lacks). */
function renderWeights(row, weights) {
  const box = row.querySelector(".admin-weights");
  const queues = queueChoices();
  const known = new Set(queues.map((queue) => queue.id));
  const lines = [
    ...queues.map((queue) => [queue.id, queueLabel(queue)]),
    ...[...weights.keys()].filter((id) => !known.has(id)).map((id) => [id, t("admin.services.unknown_queue", { id })]),
  ];
  box.replaceChildren(
    ...lines.map(([id, label]) => {
      const current = weights.get(id) ?? { on: false, weight: 1 };
      const check = el("input", { type: "checkbox" });
      check.checked = current.on;
      const weight = numberInput("weight", current.weight, 0.01, 100, 0.1);
      weight.setAttribute("aria-label", t("admin.windows.weight_of", { queue: label }));
      weight.disabled = !current.on;
      check.addEventListener("change", () => {
        weight.disabled = !check.checked;
        if (check.checked && weight.value === "") weight.value = "1";
      });
      return el(
        "div",
        { class: "admin-weight", dataset: { queue: id, sub: `queues.${id}` } },
        el("label", { class: "admin-check" }, check, el("span", {}, label)),
        el("label", { class: "admin-weight-value" }, el("span", { "data-i18n": "admin.windows.weight" }, t("admin.windows.weight")), weight),
        el("span", { class: "field-error", role: "alert" }),
      );
    }),
  );
  renumber("windows");
}

// --- the lists as a whole --------------------------------------------------------------------

const BUILDERS = { queues: queueRow, services: serviceRow, windows: windowRow };

/** Give every row and field of a list its `data-path` by its place now. */
function renumber(list) {
  for (const [index, row] of rows(list).entries()) {
    row.dataset.path = `${list}[${index}]`;
    for (const node of row.querySelectorAll("[data-sub]")) node.dataset.path = `${list}[${index}].${node.dataset.sub}`;
  }
}

/** After the queues changed: every step and window profile offers the queues there are now
 * (`rename` [old, new] moves a queue's place in them; `removed` drops a queue from them). */
function queuesChanged({ rename = null, removed = null } = {}) {
  for (const select of document.querySelectorAll("#services-rows .admin-step")) {
    let chosen = select.value;
    if (rename && chosen === rename[0]) chosen = rename[1];
    if (removed && chosen === removed) chosen = "";
    fillStep(select, chosen);
  }
  for (const row of rows("windows")) {
    const weights = weightsOf(row);
    if (rename && weights.has(rename[0])) {
      weights.set(rename[1], weights.get(rename[0]));
      weights.delete(rename[0]);
    }
    if (removed) weights.delete(removed);
    renderWeights(row, weights);
  }
}

export function fillLists(document) {
  for (const list of LISTS) {
    const items = Array.isArray(document[list]) ? document[list] : [];
    $(`#${list}-rows`).replaceChildren(...items.map((item) => BUILDERS[list](isObject(item) ? item : {})));
    renumber(list);
  }
  queuesChanged();
  fillCategories();
}

function fillCategories() {
  let list = $("#service-categories");
  if (!list) {
    list = el("datalist", { id: "service-categories" });
    $("#services-rows").after(list);
  }
  const categories = new Set(rows("services").map((row) => value(row, "category")).filter(Boolean));
  list.replaceChildren(...[...categories].map((category) => el("option", { value: category })));
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function addRow(list) {
  const count = rows(list).length;
  const queues = queueChoices();
  const item = {
    queues: () => {
      const id = freeQueueId();
      return { id, name: "", prefix: id, service_minutes: 5 };
    },
    services: () => ({ id: "", name: "", queue: queues[0]?.id ?? "", category: "", bookable: true, slot_capacity: 2 }),
    windows: () => {
      const id = String(count + 1);
      return { id, name: t("admin.windows.default_name", { n: id }), queues: Object.fromEntries(queues.map((q) => [q.id, 1])) };
    },
  }[list]();
  const row = BUILDERS[list](item);
  origins.set(row, {});
  $(`#${list}-rows`).append(row);
  renumber(list);
  if (list === "queues") queuesChanged();
  row.querySelector("input").focus();
}

/** The list's items as the form has them, each over the item it was loaded from. */
export function listItems(list) {
  return rows(list).map((row) => {
    const item = { ...origins.get(row) };
    item.id = value(row, "id");
    item.name = value(row, "name");
    if (list === "queues") {
      item.prefix = value(row, "prefix");
      item.service_minutes = numberOf(row.querySelector("[name=service_minutes]"));
      const area = value(row, "area"); // where its windows are, printed on its tickets
      if (area) item.area = area;
      else delete item.area;
    } else if (list === "services") {
      const steps = [...row.querySelectorAll(".admin-step")].map((select) => select.value);
      if (steps.length === 1 && !("steps" in origins.get(row))) {
        item.queue = steps[0];
        delete item.steps;
      } else {
        item.steps = steps;
        delete item.queue;
      }
      item.category = value(row, "category");
      item.bookable = row.querySelector("[name=bookable]").checked;
      item.slot_capacity = numberOf(row.querySelector("[name=slot_capacity]"));
    } else {
      item.queues = Object.fromEntries(
        [...weightsOf(row)].filter(([, weight]) => weight.on).map(([queue, weight]) => [queue, weight.weight === "" ? null : weight.weight]),
      );
    }
    return item;
  });
}

export function bindLists() {
  for (const list of LISTS) {
    $(`#add-${list}`).addEventListener("click", () => addRow(list));
    $(`#${list}-rows`).addEventListener("click", (event) => {
      const button = event.target.closest(".admin-remove");
      if (!button) return;
      const row = button.closest(".admin-row");
      const id = value(row, "id");
      row.remove();
      renumber(list);
      if (list === "queues") queuesChanged({ removed: id });
    });
  }
  $("#queues-rows").addEventListener("input", (event) => {
    const target = event.target;
    if (target.name === "prefix") {
      target.value = target.value.toUpperCase();
    } else if (target.name === "id") {
      const next = target.value.trim();
      if (!next) return; // the old id stays in the profiles until a new one is typed
      const previous = target.dataset.prev;
      target.dataset.prev = next;
      queuesChanged({ rename: previous && previous !== next ? [previous, next] : null });
    } else if (target.name === "name") {
      queuesChanged();
    }
  });
  $("#services-rows").addEventListener("change", (event) => {
    if (event.target.name === "category") fillCategories();
  });
}
