// admin-devices.js: the devices section of the admin page: the hall's paired devices (kind,
// window, name, last seen, online now), a new device with its pairing link and a QR code of it
// to scan with the device's camera or a phone, renaming, a new pairing link for a device (its
// old link stops working), and unpairing.
//
// A pairing link holds the device's token: it is shown once, its QR code is drawn by the server
// from a POST body (`POST /api/qr`) and shown from a blob: URL, so the token is in no address
// that a server or proxy logs.

import { $, SETTINGS, el, onLanguageChange, show, t } from "./hall.js";
import {
  ApiError,
  api,
  clearOnEdit,
  clearProblems,
  confirmAction,
  fillList,
  hallPath,
  loadHallList,
  problemsOf,
  showError,
  showProblems,
  toast,
} from "./admin-api.js";

const WINDOW_KINDS = new Set(["clerk", "window_screen", "rating_pad"]);
const REFRESH_MS = 10_000;

const state = {
  hall: null,
  windows: [], // [{id, name}] of the hall
  offices: [], // [{id, name}]: back offices (后台审批), for an office device
  devices: [],
  paired: null, // the device whose pairing link is shown
  qrUrl: null,
  timer: null,
};

// --- the list ----------------------------------------------------------------------------------

export async function showDevices(hall, windows, offices = []) {
  state.hall = hall;
  state.windows = windows;
  state.offices = offices;
  fillWindows();
  await refresh();
  clearInterval(state.timer);
  state.timer = setInterval(() => {
    if (!$("#panel-devices").hidden && !document.hidden) refresh();
  }, REFRESH_MS);
}

/** No more reading the list (another section is shown); a pairing link shown stays. */
export function stopDevices() {
  clearInterval(state.timer);
  state.timer = null;
}

/** Another hall, or signed out: the pairing link shown goes too. */
export function closeDevices() {
  stopDevices();
  closePairing();
}

async function refresh() {
  const devices = await loadHallList(state, "/devices", $("#devices-error"));
  if (devices === null) return;
  state.devices = devices;
  render();
}

function officeName(id) {
  return state.offices.find((office) => office.id === id)?.name ?? id;
}

function windowName(id) {
  return state.windows.find((window) => window.id === id)?.name ?? id;
}

function lastSeen(device) {
  if (!device.last_seen) return t("admin.devices.never");
  const at = new Date(device.last_seen);
  return t("admin.devices.last_seen", { time: at.toLocaleString(document.documentElement.lang, { hour12: false }) });
}

function render() {
  $("#devices-count").textContent = t("admin.devices.count", {
    count: state.devices.length,
    online: state.devices.filter((device) => device.online).length,
  });
  fillList($("#device-list"), state.devices, t("admin.devices.none"), deviceItem);
}

function deviceItem(device) {
  const item = el(
    "li",
    { class: "admin-item", dataset: { device: device.device, kind: device.kind, online: String(device.online) } },
    el(
      "div",
      { class: "admin-item-main" },
      el("span", { class: "admin-item-name" }, device.name),
      el(
        "span",
        { class: "status-chip admin-online", dataset: { status: device.online ? "online" : "offline" } },
        t(device.online ? "admin.devices.online" : "admin.devices.offline"),
      ),
    ),
    el(
      "div",
      { class: "admin-item-meta" },
      el("span", { class: "admin-item-kind" }, t(`admin.kind.${device.kind}`)),
      device.window ? el("span", { class: "admin-item-window" }, windowName(device.window)) : null,
      device.office ? el("span", { class: "admin-item-window" }, officeName(device.office)) : null,
      el("span", { class: "admin-item-seen" }, lastSeen(device)),
    ),
    el(
      "div",
      { class: "admin-item-actions" },
      el("button", { type: "button", class: "choice device-rename", text: t("admin.devices.rename"), onclick: () => startRename(item, device) }),
      el("button", { type: "button", class: "choice device-relink", text: t("admin.devices.relink"), onclick: () => relink(device) }),
      el("button", { type: "button", class: "choice choice-danger device-revoke", text: t("admin.devices.revoke"), onclick: () => revoke(device) }),
    ),
    el("p", { class: "error-message admin-item-error", role: "alert", hidden: true }),
  );
  return item;
}

function startRename(item, device) {
  const input = el("input", { class: "admin-rename-input", value: device.name, maxlength: 100, "aria-label": t("admin.devices.name") });
  const form = el(
    "form",
    { class: "admin-rename", novalidate: true },
    input,
    el("button", { type: "submit", class: "choice device-rename-save", text: t("admin.save") }),
    el("button", { type: "button", class: "choice", text: t("common.cancel"), onclick: render }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("PATCH", hallPath(state.hall, `/devices/${encodeURIComponent(device.device)}`), { name: input.value });
      toast(t("admin.devices.renamed", { name: input.value.trim() }));
      await refresh();
    } catch (error) {
      showError(item.querySelector(".admin-item-error"), error);
    }
  });
  item.querySelector(".admin-item-main .admin-item-name").replaceWith(form);
  input.focus();
  input.select();
}

async function revoke(device) {
  const done = await confirmAction({
    title: t("admin.devices.revoke_title", { name: device.name }),
    text: t("admin.devices.revoke_text"),
    ok: t("admin.devices.revoke"),
    action: () => api("DELETE", hallPath(state.hall, `/devices/${encodeURIComponent(device.device)}`)),
  });
  if (!done) return;
  toast(t("admin.devices.revoked", { name: device.name }));
  await refresh();
}

async function relink(device) {
  const paired = await confirmAction({
    title: t("admin.devices.relink_title", { name: device.name }),
    text: t("admin.devices.relink_text"),
    ok: t("admin.devices.relink"),
    action: () => api("POST", hallPath(state.hall, `/devices/${encodeURIComponent(device.device)}/token`), {}),
  });
  if (!paired) return;
  await showPairing(paired);
  await refresh();
}

// --- adding a device -----------------------------------------------------------------------------

function fillWindows() {
  const select = $("#device-window");
  const chosen = select.value;
  select.replaceChildren(...state.windows.map((window) => el("option", { value: window.id }, window.name)));
  if (state.windows.some((window) => window.id === chosen)) select.value = chosen;
  kindChanged();
}

function kindChanged() {
  const atWindow = WINDOW_KINDS.has($("#device-kind").value);
  show($("#device-window-field"), atWindow);
  $("#device-window").disabled = !atWindow;
  const atOffice = $("#device-kind").value === "office";
  const offices = $("#device-office");
  if (offices.options.length !== state.offices.length) {
    offices.replaceChildren(...state.offices.map((office) => el("option", { value: office.id }, office.name)));
  }
  show($("#device-office-field"), atOffice);
  offices.disabled = !atOffice;
}

async function addDevice(event) {
  event.preventDefault();
  const form = $("#device-form");
  const kind = $("#device-kind").value;
  const body = { kind };
  if (WINDOW_KINDS.has(kind)) body.window = $("#device-window").value;
  if (kind === "office") body.office = $("#device-office").value;
  // no name given: the kind as people say it, and its window ("1号窗口 窗口呼叫器")
  const kindName = t(`admin.kind.${kind}`);
  body.name = $("#device-name").value.trim() || (body.window ? `${windowName(body.window)} ${kindName}` : kindName);
  $("#device-add").disabled = true;
  try {
    const paired = await api("POST", hallPath(state.hall, "/devices"), body);
    clearProblems(form);
    $("#device-name").value = "";
    await showPairing(paired);
    await refresh();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showProblems(form, problemsOf(error));
  } finally {
    $("#device-add").disabled = false;
  }
}

// --- the pairing link and its QR code ------------------------------------------------------------

export function pairingLink(kind, token) {
  const path = SETTINGS.pairingPaths?.[kind] ?? "/";
  return `${location.origin}${path}#token=${encodeURIComponent(token)}`;
}

async function showPairing(paired) {
  const link = pairingLink(paired.kind, paired.token);
  const panel = $("#pairing");
  panel.dataset.device = paired.device;
  panel.dataset.kind = paired.kind;
  state.paired = paired;
  renderPairingTitle();
  $("#pairing-link").value = link;
  showError($("#pairing-error"), null);
  show(panel, true);
  panel.scrollIntoView({ block: "start" });
  const qr = $("#pairing-qr");
  releaseQr();
  qr.removeAttribute("src");
  try {
    const response = await api("POST", "/api/qr", { text: link }, { raw: true });
    state.qrUrl = URL.createObjectURL(await response.blob());
    qr.src = state.qrUrl;
  } catch (error) {
    showError($("#pairing-error"), error);
  }
}

function renderPairingTitle() {
  const paired = state.paired;
  $("#pairing-title").textContent = paired ? t("admin.pairing.title", { name: paired.name, kind: t(`admin.kind.${paired.kind}`) }) : "";
}

function releaseQr() {
  if (state.qrUrl) URL.revokeObjectURL(state.qrUrl);
  state.qrUrl = null;
}

function closePairing() {
  releaseQr();
  state.paired = null;
  $("#pairing-qr").removeAttribute("src");
  $("#pairing-link").value = "";
  show($("#pairing"), false);
}

async function copyLink() {
  const input = $("#pairing-link");
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select();
    document.execCommand("copy");
  }
  toast(t("admin.pairing.copied"));
}

// --- wiring --------------------------------------------------------------------------------------

export function bindDevices() {
  $("#device-kind").addEventListener("change", kindChanged);
  $("#device-form").addEventListener("submit", addDevice);
  clearOnEdit($("#device-form"));
  $("#devices-refresh").addEventListener("click", refresh);
  $("#pairing-done").addEventListener("click", closePairing);
  $("#pairing-copy").addEventListener("click", copyLink);
  onLanguageChange(() => {
    if (state.hall) render();
    renderPairingTitle();
  });
}
