// The hall call screen (/screen, 综合屏, a 1920x1080 TV): the newest call large, the latest
// calls, waiting counts per queue, a scrolling notice line, and each call announced (chime,
// then the voice) one after another. It runs unattended for days: it reconnects by itself,
// keeps every list bounded and starts again from a snapshot each service day.

import {
  $,
  HallConnection,
  ONLINE,
  SETTINGS,
  bindBanner,
  el,
  onLanguageChange,
  pairedToken,
  setHallName,
  t,
} from "./hall.js";
import { ServerClock } from "./serverclock.js";
import { VoiceQueue } from "./voice.js";
import { WaitingCounts } from "./waiting.js";

const RECENT = SETTINGS.recentCalls ?? 10;
const FRESH_CALL_S = 60; // a call replayed after a reconnect is still announced within this
const FLASH_MS = 10000; // the newest call blinks this long
const REFRESH_MS = 600000; // a fresh snapshot now and then, to rule out any drift
const TICKER_CHARS_PER_S = 6;

const state = {
  hall: null,
  queues: [],
  calls: [], // newest first, at most RECENT: {ticket, number, window {id, name}, at, recall}
  notice: "",
};

const token = pairedToken();
const connection = new HallConnection({ hello: () => ({ token, kind: "call_screen" }) });
const banner = bindBanner(connection);
const clock = new ServerClock(connection);
const waiting = new WaitingCounts();
const voice = new VoiceQueue({ lang: SETTINGS.voice ?? "zh-CN" });
window.hall.connection = connection;
window.hallVoice = voice;

connection.on("snapshot", (snapshot, welcome) => {
  const allowed = SETTINGS.kinds ?? ["call_screen"];
  banner.setMessage(allowed.includes(welcome.device.kind) ? null : "conn.wrong_kind");
  state.hall = snapshot.hall;
  state.queues = snapshot.queues.map(({ id, name, prefix }) => ({ id, name, prefix }));
  state.calls = snapshot.calls.slice(0, RECENT).map((call) => ({ ...call, recall: false }));
  state.notice = snapshot.notice ?? "";
  waiting.reset(snapshot.queues);
  voice.setRepeat(snapshot.hall.announce_repeat ?? 2);
  setHallName(snapshot.hall.name);
  render();
});

connection.on("event", (message) => {
  const { event, data } = message;
  if (event === "hall.configured" || event === "hall.day_started") {
    connection.resync(); // queues or the day changed: start again from a snapshot
    return;
  }
  if (waiting.apply(event, data) === "resync") {
    connection.resync();
    return;
  }
  if (event === "ticket.called") called(message);
  else if (event === "hall.broadcast") {
    state.notice = data.text;
    renderTicker();
  }
  renderWaiting();
});

function called({ data, at }) {
  const call = {
    ticket: data.ticket.id,
    number: data.ticket.number,
    queue: data.ticket.queue,
    window: data.window,
    at,
    recall: Boolean(data.recall),
  };
  state.calls = [call, ...state.calls.filter((c) => c.ticket !== call.ticket)].slice(0, RECENT);
  renderCalls(true);
  const age = clock.secondsSince(at);
  if (age === null || age <= FRESH_CALL_S) {
    voice.announce({
      number: call.number,
      windowId: call.window.id,
      windowName: call.window.name,
      recall: call.recall,
    });
  }
}

// --- rendering ---------------------------------------------------------------------------------

function render() {
  renderCalls(false);
  renderWaiting();
  renderTicker();
  renderClock();
}

let flashTimer = null;

function renderCalls(fresh) {
  const box = $("#now-calling");
  const newest = state.calls[0];
  box.dataset.state = newest ? "call" : "empty";
  $("#now-number").textContent = newest?.number ?? "";
  $("#now-window").textContent = newest ? t("screen.go_to", { window: newest.window.name }) : "";
  const label = $("#now-label");
  label.dataset.i18n = newest?.recall ? "screen.recall" : "screen.now_calling";
  label.textContent = t(label.dataset.i18n);
  if (fresh) {
    box.classList.remove("flash");
    void box.offsetWidth; // restart the animation
    box.classList.add("flash");
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => box.classList.remove("flash"), FLASH_MS);
  }
  $("#recent").replaceChildren(
    ...state.calls.map((call, index) =>
      el(
        "tr",
        { class: index === 0 ? "recent-row newest" : "recent-row", dataset: { ticket: call.ticket } },
        el("td", { class: "recent-number" }, call.number),
        el("td", { class: "recent-window" }, call.window.name),
      ),
    ),
  );
}

function renderWaiting() {
  $("#waiting").replaceChildren(
    ...state.queues.map((queue) =>
      el(
        "div",
        { class: "waiting-tile", dataset: { queue: queue.id } },
        el("span", { class: "waiting-name" }, queue.name),
        el("span", { class: "waiting-count" }, t("screen.people", { count: waiting.get(queue.id) })),
      ),
    ),
  );
}

function renderTicker() {
  const text = state.notice || t("screen.welcome", { hall: state.hall?.name ?? "" });
  const node = $("#ticker-text");
  if (node.textContent === text) return;
  node.textContent = text;
  const seconds = Math.max(20, Math.round([...text].length / TICKER_CHARS_PER_S) + 15);
  node.style.setProperty("--ticker-seconds", `${seconds}s`);
  node.dataset.notice = state.notice ? "broadcast" : "welcome";
}

function renderClock() {
  const options = { month: "numeric", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  const now = new Date(clock.now());
  let text;
  try {
    text = new Intl.DateTimeFormat(document.documentElement.lang, { ...options, timeZone: state.hall?.timezone }).format(now);
  } catch {
    text = now.toLocaleString();
  }
  $("#clock").textContent = text;
}

function renderSound() {
  $("#sound-off").hidden = !voice.blocked;
}

// --- wiring ------------------------------------------------------------------------------------

$("#sound-off").addEventListener("click", () => voice.unlock());
document.addEventListener("pointerdown", () => {
  if (voice.blocked) voice.unlock();
});
voice.onChange(renderSound);
onLanguageChange(render);
setInterval(renderClock, 10000);
setInterval(() => {
  if (connection.status === ONLINE && !voice.busy) connection.resync();
}, REFRESH_MS);
render();
if (token) connection.start();
else banner.setMessage("conn.unpaired");
