// admin-webhooks.js: the webhooks section of the admin page (对外推送): the hall's webhooks with
// what waits for delivery and how the last attempt went, a webhook added or changed (its id,
// receiver URL, events and signing secret; the secret is never shown again), its recent
// deliveries, and deleting one. See docs/webhooks.md.

import { $, el, onLanguageChange, show, t } from "./hall.js";
import {
  ApiError,
  api,
  clearOnEdit,
  clearProblems,
  confirmAction,
  fillList,
  hallPath,
  problemsOf,
  showError,
  showProblems,
  toast,
} from "./admin-api.js";

const SHOWN_ATTEMPTS = 10;

const state = {
  hall: null,
  webhooks: [], // [{id, url, events, log: {pending, deliveries} | null}]
  open: new Set(), // ids whose recent deliveries are shown
};

// --- the list --------------------------------------------------------------------------------------

export async function showWebhooks(hall) {
  if (hall !== state.hall) state.open.clear();
  state.hall = hall;
  await refresh();
}

async function refresh() {
  const hall = state.hall;
  try {
    const answer = await api("GET", hallPath(hall, "/webhooks"));
    const logs = await Promise.all(answer.webhooks.map((webhook) => logOf(hall, webhook.id)));
    if (hall !== state.hall) return;
    state.webhooks = answer.webhooks.map((webhook, index) => ({ ...webhook, log: logs[index] }));
    showError($("#webhooks-error"), null);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showError($("#webhooks-error"), error);
    return;
  }
  render();
}

async function logOf(hall, id) {
  try {
    return await api("GET", webhookPath(hall, id, "/deliveries"));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return null; // deleted meanwhile: the next refresh drops it
  }
}

function webhookPath(hall, id, rest = "") {
  return hallPath(hall, `/webhooks/${encodeURIComponent(id)}${rest}`);
}

function render() {
  $("#webhooks-count").textContent = t("admin.webhooks.count", { count: state.webhooks.length });
  fillList($("#webhooks-list"), state.webhooks, t("admin.webhooks.none"), webhookItem);
}

function webhookItem(webhook) {
  const opened = state.open.has(webhook.id);
  return el(
    "li",
    { class: "admin-item admin-webhook-item", dataset: { webhook: webhook.id } },
    el(
      "div",
      { class: "admin-item-body" },
      el(
        "div",
        { class: "admin-item-main" },
        el("span", { class: "admin-item-name" }, webhook.id),
        el("span", { class: "admin-webhook-url" }, webhook.url),
      ),
      el(
        "div",
        { class: "admin-item-meta" },
        ...webhook.events.map((event) => el("code", { class: "admin-webhook-event" }, event)),
      ),
      el("div", { class: "admin-item-meta admin-webhook-state" }, ...stateLines(webhook.log)),
      el(
        "div",
        { class: "admin-item-actions" },
        el("button", {
          type: "button",
          class: "choice webhook-deliveries",
          "aria-expanded": String(opened),
          text: t(opened ? "admin.webhooks.hide" : "admin.webhooks.deliveries"),
          onclick: () => toggle(webhook),
        }),
        el("button", {
          type: "button",
          class: "choice choice-danger webhook-delete",
          text: t("admin.webhooks.delete"),
          onclick: () => remove(webhook),
        }),
      ),
      opened ? attemptList(webhook.log) : null,
    ),
  );
}

function stateLines(log) {
  if (!log) return [];
  const last = log.deliveries[0];
  let lastLine = t("admin.webhooks.never");
  if (last && last.delivered) lastLine = t("admin.webhooks.last_ok", { status: last.status });
  else if (last) lastLine = t("admin.webhooks.last_failed", { error: last.error });
  return [
    el("span", { class: "admin-webhook-pending" }, t("admin.webhooks.pending", { count: log.pending })),
    el("span", { class: "admin-webhook-last", dataset: { ok: String(!last || last.delivered) } }, lastLine),
  ];
}

function attemptList(log) {
  const attempts = log ? log.deliveries.slice(0, SHOWN_ATTEMPTS) : [];
  return el(
    "ol",
    { class: "admin-webhook-attempts" },
    ...attempts.map((attempt) =>
      el(
        "li",
        { dataset: { ok: String(attempt.delivered) } },
        t("admin.webhooks.attempt", {
          at: new Date(attempt.at).toLocaleString(document.documentElement.lang),
          event: attempt.event,
          seq: attempt.seq,
          attempt: attempt.attempt,
          result: attempt.status ?? attempt.error,
          ms: Math.round(attempt.duration_ms),
        }),
      ),
    ),
  );
}

function toggle(webhook) {
  if (state.open.has(webhook.id)) state.open.delete(webhook.id);
  else state.open.add(webhook.id);
  refresh();
}

async function remove(webhook) {
  const done = await confirmAction({
    title: t("admin.webhooks.delete_title", { id: webhook.id }),
    text: t("admin.webhooks.delete_text"),
    ok: t("admin.webhooks.delete"),
    action: () => api("DELETE", webhookPath(state.hall, webhook.id)),
  });
  if (!done) return;
  state.open.delete(webhook.id);
  toast(t("admin.webhooks.deleted", { id: webhook.id }));
  await refresh();
}

// --- adding or changing one ------------------------------------------------------------------------

async function save(event) {
  event.preventDefault();
  const form = $("#webhook-form");
  const id = $("#webhook-id").value.trim();
  if (!id) {
    showProblems(form, [`id: ${t("admin.webhooks.id_required")}`]);
    return;
  }
  const body = {
    url: $("#webhook-url").value.trim(),
    events: $("#webhook-events").value.split(/[\s,，]+/).filter(Boolean),
    secret: $("#webhook-secret").value,
  };
  $("#webhook-save").disabled = true;
  try {
    await api("PUT", webhookPath(state.hall, id), body);
    clearProblems(form);
    form.reset();
    toast(t("admin.webhooks.saved", { id }));
    await refresh();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showProblems(form, problemsOf(error));
  } finally {
    $("#webhook-save").disabled = false;
  }
}

export function bindWebhooks() {
  $("#webhook-form").addEventListener("submit", save);
  clearOnEdit($("#webhook-form"));
  onLanguageChange(() => {
    if (state.hall) render();
  });
}
