// home.js: the front door (/) and the documents (/docs). The server renders the halls and the
// links; this script takes an admin token handed over in the address (`#admin=TOKEN`, the link
// `hall demo` prints) into the tab's session storage (key `hall.admin_token`, which the admin
// page reads), removes it from the address bar, and says whether the tab is signed in as admin.

import { $, show } from "./hall.js";

const TOKEN_KEY = "hall.admin_token";
const REFUSED = new Set([401, 403]);

function adminToken() {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function keepAdminToken(token) {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage disabled: the admin page asks for the token itself */
  }
}

/** `#admin=TOKEN` on arrival: kept for the tab, and out of the address (and the history). */
function takeTokenFromAddress() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get("admin");
  if (!token) return false;
  keepAdminToken(token);
  params.delete("admin");
  const rest = params.toString();
  history.replaceState(null, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
  return true;
}

/** Whether the server takes the token: true, false, or null when it cannot be asked now. */
async function accepted(token) {
  try {
    const response = await fetch("/api/halls", { headers: { Authorization: `Bearer ${token}` } });
    if (response.ok) return true;
    return REFUSED.has(response.status) ? false : null;
  } catch {
    return null;
  }
}

async function showAdmin(fromAddress) {
  const panel = $("#home-admin");
  const refused = $("#home-token-refused");
  if (!panel) return; // the documents' pages only take the token
  const token = adminToken();
  show(panel, false);
  show(refused, false);
  if (!token) return;
  const verdict = await accepted(token);
  if (verdict === false) {
    keepAdminToken(null);
    show(refused, fromAddress);
    return;
  }
  show(panel, true);
}

function start() {
  const fromAddress = takeTokenFromAddress();
  const signOut = $("#home-sign-out");
  if (signOut) {
    signOut.addEventListener("click", () => {
      keepAdminToken(null);
      showAdmin(false);
    });
  }
  showAdmin(fromAddress);
}

start();
