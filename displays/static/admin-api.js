// admin-api.js: what the admin page's sections share: the admin token (in the tab's session
// storage, key `hall.admin_token`, the same the front door uses; never in an address), the
// HTTP API with it, the server's problems shown next to the fields they name, and the toast.

import { $, el, explain, onLanguageChange, show } from "./hall.js";

export const TOKEN_KEY = "hall.admin_token";
const TOAST_MS = 5000;

// --- the admin token -------------------------------------------------------------------------

export function adminToken() {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function keepAdminToken(token) {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage disabled: the page works until it is reloaded */
  }
}

/** A `#admin=TOKEN` fragment on arrival goes into session storage and out of the address bar
 * (and so out of the history and of anything that logs addresses). */
export function takeTokenFromAddress() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get("admin");
  if (!token) return;
  keepAdminToken(token);
  params.delete("admin");
  const rest = params.toString();
  history.replaceState(null, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
}

// --- the HTTP API ----------------------------------------------------------------------------

export class ApiError extends Error {
  constructor(status, code, message, problems = []) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.problems = problems;
  }

  /** The server's message as people read it: its problems, or its message, or, without an
   * answer from the server, the plain-language explanation of the code. */
  get text() {
    if (this.problems.length) return this.problems.join("; ");
    return this.status ? this.message : explain(this.code);
  }
}

const signedOutListeners = new Set();

/** Called when the server no longer takes the admin token (changed, or the server restarted
 * with another): the page goes back to its sign-in form. */
export function onSignedOut(listener) {
  signedOutListeners.add(listener);
}

/** `method path` with the admin token; the JSON answer (null for 204, the `Response` itself
 * with `raw`). Throws an `ApiError`: status 0 when the server could not be reached. */
export async function api(method, path, body = undefined, { raw = false, token = adminToken() } = {}) {
  const headers = { Authorization: `Bearer ${token ?? ""}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    throw new ApiError(0, "offline", "");
  }
  if (response.ok) {
    if (raw) return response;
    return response.status === 204 ? null : response.json();
  }
  let error = {};
  try {
    error = (await response.json()).error ?? {};
  } catch {
    /* not JSON: the status says enough */
  }
  const failure = new ApiError(
    response.status,
    error.code ?? "internal_error",
    error.message ?? response.statusText,
    Array.isArray(error.problems) ? error.problems : [],
  );
  if (response.status === 401 || response.status === 403) {
    for (const listener of signedOutListeners) listener(failure);
  }
  throw failure;
}

export function hallPath(hall, rest = "") {
  return `/api/halls/${encodeURIComponent(hall)}${rest}`;
}

// --- problems next to their fields -------------------------------------------------------------

/** "services[3].queue: no queue 'Z'" -> ["services[3].queue", "no queue 'Z'"]; a text without
 * a path -> ["", text]. */
export function splitProblem(problem) {
  const match = /^([A-Za-z0-9_.\-[\]]+): ([\s\S]*)$/.exec(problem);
  return match ? [match[1], match[2]] : ["", problem];
}

/** The path one level up: "windows[0].queues.A" -> "windows[0].queues" -> "windows[0]" ->
 * "windows" -> "". */
export function parentPath(path) {
  const match = /^(.*?)(\.[^.[\]]+|\[\d+\])$/.exec(path);
  return match ? match[1] : "";
}

function fieldOf(root, path) {
  for (let at = path; at; at = parentPath(at)) {
    const node = root.querySelector(`[data-path="${CSS.escape(at)}"]`);
    if (node) return node;
  }
  return null;
}

/** The error line of a field or section: its own `.field-error`, not one of a nested field. */
function errorLine(node) {
  for (const line of node.querySelectorAll(".field-error")) {
    if (line.closest("[data-path]") === node) return line;
  }
  return null;
}

/** Clear every problem shown under `root`. */
export function clearProblems(root) {
  for (const node of root.querySelectorAll("[data-path].has-error")) node.classList.remove("has-error");
  for (const line of root.querySelectorAll(".field-error")) line.textContent = "";
  const general = root.querySelector(".admin-form-error");
  if (general) show(general, false);
}

/** Show each problem ("path: text") next to the field its path names (or the nearest section
 * that holds it); those no field takes go to `general` (or the root's `.admin-form-error`).
 * Returns those no field took. */
export function showProblems(root, problems, general = root.querySelector(".admin-form-error")) {
  clearProblems(root);
  const left = [];
  for (const problem of problems) {
    const [path, text] = splitProblem(problem);
    const field = path ? fieldOf(root, path) : null;
    const line = field ? errorLine(field) : null;
    if (!line) {
      left.push(problem);
      continue;
    }
    field.classList.add("has-error");
    line.textContent = line.textContent ? `${line.textContent}; ${text}` : text;
  }
  if (general) {
    general.textContent = left.join("; ");
    show(general, left.length > 0);
  }
  const first = root.querySelector("[data-path].has-error");
  if (first) first.scrollIntoView({ block: "center" });
  return left;
}

/** The problems of an API error: the `problems` list of `invalid_config`, or the parts of a
 * `bad_request` message ("name: ...; password: ..."). */
export function problemsOf(error) {
  if (error.problems.length) return error.problems;
  if (error.code === "bad_request") return error.message.split("; ");
  return [error.text];
}

/** A problem's field loses its mark once it is edited. */
export function clearOnEdit(root) {
  root.addEventListener("input", (event) => {
    const field = event.target.closest("[data-path].has-error");
    if (!field) return;
    field.classList.remove("has-error");
    const line = errorLine(field);
    if (line) line.textContent = "";
  });
}

// --- the toast and a line of error under a thing ---------------------------------------------

let toastTimer = null;

onLanguageChange(() => show($("#toast"), false)); // it spoke of what was just done, in the old language

export function toast(text, kind = "ok") {
  const node = $("#toast");
  node.textContent = text;
  node.dataset.kind = kind;
  show(node, true);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => show(node, false), TOAST_MS);
}

/** Show an API error's text in `node` (hidden with null). */
export function showError(node, error) {
  node.textContent = error ? (error instanceof ApiError ? error.text : String(error.message ?? error)) : "";
  show(node, Boolean(error));
}

// --- the sections' lists (devices, staff) ----------------------------------------------------

/** GET one of a hall's lists for a section whose hall is `section.hall`: its rows, or null when
 * the section moved to another hall meanwhile or the request failed (shown in `errorNode`). */
export async function loadHallList(section, rest, errorNode) {
  const hall = section.hall;
  if (!hall) return null;
  try {
    const rows = await api("GET", hallPath(hall, rest));
    if (hall !== section.hall) return null;
    showError(errorNode, null);
    return rows;
  } catch (error) {
    showError(errorNode, error);
    return null;
  }
}

/** Fill `list` with an item per row, or a row saying there are none. */
export function fillList(list, rows, noneText, itemOf) {
  if (!rows.length) list.replaceChildren(el("li", { class: "empty-row" }, noneText));
  else list.replaceChildren(...rows.map(itemOf));
}

// --- dialogs -------------------------------------------------------------------------------------

/** Ask before something that cannot be undone: resolves when confirmed and `action` succeeded
 * (its error is shown in the dialog, which stays open), or with null when cancelled. */
export function confirmAction({ title, text, ok, action }) {
  const dialog = $("#confirm-dialog");
  $("#confirm-title").textContent = title;
  $("#confirm-text").textContent = text;
  $("#confirm-ok").textContent = ok;
  showError($("#confirm-error"), null);
  return new Promise((resolve) => {
    const form = $("#confirm-form");
    const submit = async (event) => {
      event.preventDefault();
      $("#confirm-ok").disabled = true;
      try {
        const result = await action();
        finish();
        dialog.close();
        resolve(result ?? true);
      } catch (error) {
        showError($("#confirm-error"), error);
      } finally {
        $("#confirm-ok").disabled = false;
      }
    };
    const cancel = () => {
      finish();
      resolve(null);
    };
    const finish = () => {
      form.removeEventListener("submit", submit);
      dialog.removeEventListener("close", cancel);
    };
    form.addEventListener("submit", submit);
    dialog.addEventListener("close", cancel);
    dialog.showModal();
  });
}

/** Every `[data-close]` button closes its dialog. */
export function bindDialogs() {
  for (const button of document.querySelectorAll("dialog [data-close]")) {
    button.addEventListener("click", () => button.closest("dialog").close());
  }
}
