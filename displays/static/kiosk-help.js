// kiosk-help.js: the ticket machine's 需要帮助 button (导办/帮办). A citizen taps it, may pick a
// reason, and calls a guide: `request_help` (the server names this kiosk). The button then says
// a guide has been called, and that one is on the way once a guide claims the request; it is
// ready again when the guide closes it. Uses the page's own connection (kiosk.js).

import { $, DEFAULT_LANGUAGE, onLanguageChange, showKeyedMessage, t } from "./hall.js";

const DONE_MS = 8000;
const connection = window.hall.connection;
const help = { id: null, state: "idle", reason: null, kiosk: null };
let doneTimer = null;

// In the top bar, before the language switch: in reach on every screen, never over a choice.
$(".topbar .lang-switch")?.before($("#help-call"));

function render() {
  const button = $("#help-call");
  button.dataset.state = help.state;
  const key = { idle: "kiosk.help", sent: "kiosk.help_called", claimed: "kiosk.help_claimed" }[help.state];
  button.textContent = t(key);
  $("#help-cancel").textContent = t($("#help-done").hidden ? "common.cancel" : "common.ok");
  for (const choice of document.querySelectorAll(".help-reason")) {
    choice.setAttribute("aria-pressed", String(choice.dataset.reason === help.reason));
  }
}

function open() {
  help.reason = null;
  $("#help-done").hidden = true;
  $("#help-send").hidden = false;
  $("#help-reasons").hidden = false;
  showKeyedMessage($("#help-error"), null);
  render();
  $("#help-dialog").showModal();
}

function close() {
  clearTimeout(doneTimer);
  $("#help-dialog").close();
}

async function send() {
  $("#help-send").disabled = true;
  showKeyedMessage($("#help-error"), null);
  // the guides read the reason in the hall's language, whatever the citizen chose to read
  const reason = help.reason ? t(help.reason, {}, DEFAULT_LANGUAGE) : "";
  try {
    const result = await connection.command("request_help", reason ? { reason } : {});
    help.id = result.help?.id ?? null;
    help.state = "sent";
    sent();
  } catch (error) {
    if (error.code === "help_pending") {
      help.state = help.state === "claimed" ? "claimed" : "sent";
      sent();
    } else {
      showKeyedMessage($("#help-error"), `error.${error.code}`);
    }
  } finally {
    $("#help-send").disabled = false;
    render();
  }
}

function sent() {
  $("#help-done").hidden = false;
  $("#help-send").hidden = true;
  $("#help-reasons").hidden = true;
  clearTimeout(doneTimer);
  doneTimer = setTimeout(close, DONE_MS);
  render();
}

function pickReason(event) {
  const choice = event.target.closest(".help-reason");
  if (!choice) return;
  help.reason = help.reason === choice.dataset.reason ? null : choice.dataset.reason;
  render();
}

// The kiosk's own request, from the snapshot and the help events (the server names the kiosk).
connection.on("snapshot", (snapshot, welcome) => {
  help.kiosk = welcome.device.id;
  const mine = (snapshot.help ?? []).find((request) => request.kiosk.id === help.kiosk);
  help.id = mine?.id ?? null;
  help.state = mine ? (mine.state === "claimed" ? "claimed" : "sent") : "idle";
  render();
});

connection.on("event", ({ event, data }) => {
  if (!event.startsWith("help.") || data.help?.kiosk?.id !== help.kiosk) return;
  help.id = data.help.id;
  help.state = { "help.requested": "sent", "help.claimed": "claimed", "help.closed": "idle" }[event];
  render();
});

connection.on("event:hall.day_started", () => {
  help.id = null;
  help.state = "idle";
  render();
});

$("#help-call").addEventListener("click", open);
$("#help-cancel").addEventListener("click", close);
$("#help-send").addEventListener("click", send);
$("#help-reasons").addEventListener("click", pickReason);
onLanguageChange(render);
render();
