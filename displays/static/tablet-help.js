// tablet-help.js: the tablet's help panel (导办/帮办). The open help requests raised at the
// kiosks' 需要帮助 buttons, oldest first: the kiosk, the reason, how long the citizen has
// waited, and whether a guide (which one) has claimed it. Read only: guides act on their phones.
// Uses the page's own connection (tablet.js) and puts its section in `#tablet-extra`.

import { $, el, onLanguageChange, t } from "./hall.js";
import { ServerClock, formatDuration } from "./serverclock.js";

const connection = window.hall.connection;
const clock = new ServerClock(connection);
const requests = new Map(); // help id -> help request

const section = el(
  "section",
  { class: "card tablet-section", id: "help-section", "aria-labelledby": "help-title" },
  el("h2", { class: "section-title", id: "help-title", "data-i18n": "tablet.help" }, t("tablet.help")),
  el("ul", { class: "help-rows", id: "help-rows", "aria-live": "polite" }),
  el("p", { class: "hint", id: "help-empty", "data-i18n": "tablet.help_empty" }, t("tablet.help_empty")),
);
$("#tablet-extra").append(section);

function render() {
  const open = [...requests.values()].sort((a, b) => (a.requested_at < b.requested_at ? -1 : 1));
  $("#help-rows").replaceChildren(...open.map(row));
  $("#help-empty").hidden = open.length > 0;
  tick();
}

function row(help) {
  const status =
    help.state === "claimed" ? t("tablet.help_claimed", { staff: help.staff }) : t("tablet.help_open");
  return el(
    "li",
    { class: "help-row", dataset: { help: help.id, state: help.state } },
    el("span", { class: "help-row-kiosk" }, help.kiosk.name),
    el("span", { class: "help-row-reason" }, help.reason),
    el("span", { class: "help-row-waited", dataset: { since: help.requested_at } }),
    el("span", { class: "help-row-state" }, status),
  );
}

/** Waiting times count up every second. */
function tick() {
  for (const node of section.querySelectorAll(".help-row-waited")) {
    const seconds = clock.secondsSince(node.dataset.since);
    node.dataset.seconds = String(seconds ?? 0);
    node.textContent = t("tablet.help_waited", { time: formatDuration(seconds) });
  }
}

connection.on("snapshot", (snapshot) => {
  requests.clear();
  for (const help of snapshot.help ?? []) requests.set(help.id, help);
  render();
});

connection.on("event", ({ event, data }) => {
  if (event === "help.requested" || event === "help.claimed") requests.set(data.help.id, data.help);
  else if (event === "help.closed") requests.delete(data.help.id);
  else if (event === "hall.day_started") requests.clear();
  else return;
  render();
});

onLanguageChange(render);
setInterval(tick, 1000);
render();
