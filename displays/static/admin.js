// The admin page (/admin, 管理后台), for the hall's IT person or office manager, signed in with
// the server's admin token: the hall's setup (admin-hall.js, admin-lists.js), its devices and
// their pairing links (admin-devices.js), its staff accounts (admin-staff.js), its outbound
// webhooks (admin-webhooks.js).
//
// The token is kept in the tab's session storage (key `hall.admin_token`, which the front door
// uses too), never in an address: a `#admin=TOKEN` fragment on arrival is moved there and out of
// the address bar. A wrong token is refused at the sign-in form; one the server stops taking
// (changed, or another server) sends the page back to it.

import { $, el, onLanguageChange, setHallName, show, showKeyedMessage, t } from "./hall.js";
import {
  ApiError,
  adminToken,
  api,
  bindDialogs,
  keepAdminToken,
  onSignedOut,
  showError,
  takeTokenFromAddress,
  toast,
} from "./admin-api.js";
import { bindHallForm, loadHall, startNewHall } from "./admin-hall.js";
import { bindDevices, closeDevices, showDevices, stopDevices } from "./admin-devices.js";
import { bindStaff, showStaff } from "./admin-staff.js";
import { bindWebhooks, showWebhooks } from "./admin-webhooks.js";

const NEW_HALL = "";
const HALL_KEY = "hall.admin_hall";
const TABS = ["hall", "devices", "staff", "webhooks"];

const state = {
  signedIn: false,
  halls: [], // [{id, name}]
  hall: null, // the hall shown; null while a new one is being set up
  windows: [], // the shown hall's windows, for devices bound to one
  tab: "hall",
};

// --- signing in and out ----------------------------------------------------------------------------

function showSignIn(key) {
  state.signedIn = false;
  closeDevices();
  show($("#desk"), false);
  show($("#admin-top"), false);
  show($("#sign-in"), true);
  showKeyedMessage($("#sign-in-error"), key);
  setHallName("");
  $("#sign-in-token").focus();
}

async function signIn(event) {
  event.preventDefault();
  const token = $("#sign-in-token").value.trim();
  if (!token) return;
  $("#sign-in-submit").disabled = true;
  showKeyedMessage($("#sign-in-error"), null);
  try {
    const answer = await api("GET", "/api/halls", undefined, { token });
    keepAdminToken(token);
    $("#sign-in-token").value = "";
    await enterDesk(answer.halls);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const wrong = error.status === 401 || error.status === 403;
    if (wrong) showKeyedMessage($("#sign-in-error"), "admin.sign_in_wrong");
    else showError($("#sign-in-error"), error);
    $("#sign-in-token").select();
  } finally {
    $("#sign-in-submit").disabled = false;
  }
}

function signOut() {
  keepAdminToken(null);
  showSignIn(null);
}

/** The server no longer takes the token the page signed in with. */
function tokenRefused() {
  if (!state.signedIn) return;
  keepAdminToken(null);
  showSignIn("admin.signed_out");
}

// --- the halls ---------------------------------------------------------------------------------------

async function enterDesk(halls) {
  state.signedIn = true;
  state.halls = halls;
  show($("#sign-in"), false);
  show($("#desk"), true);
  show($("#admin-top"), true);
  fillHallPicker();
  const remembered = sessionValue(HALL_KEY);
  const first = halls.find((hall) => hall.id === remembered) ?? halls[0];
  await selectHall(first ? first.id : NEW_HALL);
}

function fillHallPicker() {
  const picker = $("#hall-pick");
  picker.replaceChildren(
    ...state.halls.map((hall) => el("option", { value: hall.id }, `${hall.name}（${hall.id}）`)),
    el("option", { value: NEW_HALL }, t("admin.new_hall")),
  );
  picker.value = state.hall ?? NEW_HALL;
}

async function selectHall(id) {
  const picker = $("#hall-pick");
  picker.value = id;
  for (const tab of ["devices", "staff", "webhooks"]) $(`#tab-${tab}`).disabled = id === NEW_HALL;
  const ids = state.halls.map((hall) => hall.id);
  if (id !== state.hall) closeDevices();
  if (id === NEW_HALL) {
    state.hall = null;
    state.windows = [];
    setHallName("");
    selectTab("hall");
    startNewHall(ids);
    return;
  }
  state.hall = id;
  keepSessionValue(HALL_KEY, id);
  try {
    const doc = await loadHall(id, ids);
    state.windows = (doc.windows ?? []).map((window) => ({ id: window.id, name: window.name }));
    state.offices = (doc.offices ?? []).map((office) => ({ id: office.id, name: office.name }));
    setHallName(doc.name);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    toast(error.text, "error");
    return;
  }
  selectTab(state.tab);
}

/** After a save: the halls again (a new one is listed), and the saved hall as the server has it. */
async function hallSaved(hall) {
  const answer = await api("GET", "/api/halls");
  state.halls = answer.halls;
  state.hall = hall;
  fillHallPicker();
  await selectHall(hall);
}

// --- the sections ------------------------------------------------------------------------------------

function selectTab(tab) {
  if (!TABS.includes(tab) || $(`#tab-${tab}`).disabled) tab = "hall";
  state.tab = tab;
  for (const name of TABS) {
    $(`#tab-${name}`).setAttribute("aria-selected", String(name === tab));
    show($(`#panel-${name}`), name === tab);
  }
  if (tab !== "devices") stopDevices();
  if (!state.hall) return;
  if (tab === "devices") showDevices(state.hall, state.windows, state.offices ?? []);
  if (tab === "staff") showStaff(state.hall);
  if (tab === "webhooks") showWebhooks(state.hall);
}

// --- session storage that never throws -----------------------------------------------------------

function sessionValue(key) {
  try {
    return window.sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function keepSessionValue(key, value) {
  try {
    window.sessionStorage.setItem(key, value);
  } catch {
    /* the page forgets the hall at a reload */
  }
}

// --- start ---------------------------------------------------------------------------------------------

async function start() {
  takeTokenFromAddress();
  bindDialogs();
  bindHallForm({ onSaved: hallSaved });
  bindDevices();
  bindStaff();
  bindWebhooks();
  onSignedOut(tokenRefused);
  $("#sign-in-form").addEventListener("submit", signIn);
  $("#sign-out").addEventListener("click", signOut);
  $("#hall-pick").addEventListener("change", (event) => selectHall(event.target.value));
  for (const tab of TABS) $(`#tab-${tab}`).addEventListener("click", () => selectTab(tab));
  onLanguageChange(() => {
    const error = $("#sign-in-error");
    if (error.dataset.key) showKeyedMessage(error, error.dataset.key);
    if (state.signedIn) fillHallPicker();
  });
  if (!adminToken()) {
    showSignIn(null);
    return;
  }
  try {
    const answer = await api("GET", "/api/halls");
    await enterDesk(answer.halls);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401 || error.status === 403) {
      keepAdminToken(null);
      showSignIn("admin.signed_out");
    } else {
      showSignIn(null);
      showError($("#sign-in-error"), error);
    }
  }
}

window.hallAdmin = state;
start();
