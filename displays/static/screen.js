// The hall call screen (/screen, 综合屏, a wall TV from 1366x768 to 3840x2160): a grid of the
// current call at each window (sized to the hall's window count and the screen), the call
// being announced in a band above it, the latest calls, waiting counts per queue, and the
// hall's notice in a scrolling band. Each call is announced (chime, then the voice) one after
// another, a recall ahead of the calls waiting; the cell of the call being announced is lit.
// Each call stays in its cell at least a minimum time, however fast its window calls again.
// It runs unattended for days: it reconnects by itself, keeps every list bounded and starts
// again from a snapshot each service day.
//
// Link options (the page's query string): `lang=en` shows the page in that language;
// `lang_button=1` shows the language button (wall screens hide it); `min_seconds=8` is the
// least time a call stays in its cell (0 to 120).

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
  setLanguage,
  t,
} from "./hall.js";
import { CallBoard, gridShape } from "./callboard.js";
import { ServerClock } from "./serverclock.js";
import { VoiceQueue } from "./voice.js";
import { WaitingCounts } from "./waiting.js";

const RECENT = SETTINGS.recentCalls ?? 10;
const FRESH_CALL_S = 60; // a call replayed after a reconnect is still announced within this
const FLASH_MS = 10000; // the announced call blinks this long
const REFRESH_MS = 600000; // a fresh snapshot now and then, to rule out any drift
const TICKER_CHARS_PER_S = 6;
const MIN_SECONDS = 8; // the default least time a call stays in its cell
const NUMBER_SHARES = { heightShare: 0.46, widthShare: 0.28 }; // as hall.css sizes .call-number

const OPTIONS = linkOptions(new URLSearchParams(location.search));

const state = {
  hall: null,
  queues: [],
  calls: [], // newest first, at most RECENT: {id, ticket, number, window {id, name}, at, recall}
  notice: "",
};

const token = pairedToken();
const connection = new HallConnection({ hello: () => ({ token, kind: "call_screen" }) });
const banner = bindBanner(connection);
const clock = new ServerClock(connection);
const waiting = new WaitingCounts();
const voice = new VoiceQueue({ lang: SETTINGS.voice ?? "zh-CN" });
const board = new CallBoard({ minMs: OPTIONS.minSeconds * 1000, onChange: renderBoard });
window.hall.connection = connection;
window.hallVoice = voice;
window.hallBoard = board;

/** The link's options, each checked; anything else falls back to the default. */
function linkOptions(query) {
  const seconds = Number.parseFloat(query.get("min_seconds") ?? "");
  return {
    lang: query.get("lang"),
    langButton: query.get("lang_button") === "1",
    minSeconds: Number.isFinite(seconds) ? Math.min(120, Math.max(0, seconds)) : MIN_SECONDS,
  };
}

connection.on("snapshot", (snapshot, welcome) => {
  const allowed = SETTINGS.kinds ?? ["call_screen"];
  banner.setMessage(allowed.includes(welcome.device.kind) ? null : "conn.wrong_kind");
  state.hall = snapshot.hall;
  state.queues = snapshot.queues.map(({ id, name, prefix }) => ({ id, name, prefix }));
  state.calls = snapshot.calls
    .slice(0, RECENT)
    .map((call) => ({ ...call, id: `s-${call.ticket}`, recall: false }));
  state.notice = snapshot.notice ?? "";
  waiting.reset(snapshot.queues);
  voice.setRepeat(snapshot.hall.announce_repeat ?? 2);
  setHallName(snapshot.hall.name);
  board.reset(snapshot.windows, currentCalls(snapshot.windows));
  shapeBoard();
  render();
});

/** Each window's call in hand (calling or serving), as the board takes it. */
function currentCalls(windows) {
  const current = new Map();
  for (const window of windows) {
    if (!window.ticket || !["calling", "serving"].includes(window.status)) continue;
    const { id, name, ticket } = window;
    const call = { id: `s-${ticket.id}`, ticket: ticket.id, number: ticket.number, recall: false };
    current.set(id, { ...call, window: { id, name } });
  }
  return current;
}

connection.on("event", (message) => {
  const { event, data } = message;
  if (event === "hall.configured" || event === "hall.day_started") {
    connection.resync(); // queues, windows or the day changed: start again from a snapshot
    return;
  }
  if (waiting.apply(event, data) === "resync") {
    connection.resync();
    return;
  }
  if (event === "ticket.called") called(message);
  else if (event === "ticket.unparked") resumed(message);
  else if (event === "window.changed") windowChanged(data.window);
  else if (event === "hall.broadcast") {
    state.notice = data.text;
    renderTicker();
  }
  renderWaiting();
});

function called({ data, at, seq }) {
  const call = {
    id: String(seq),
    ticket: data.ticket.id,
    number: data.ticket.number,
    queue: data.ticket.queue,
    window: data.window,
    at,
    recall: Boolean(data.recall),
  };
  state.calls = [call, ...state.calls.filter((c) => c.ticket !== call.ticket)].slice(0, RECENT);
  const age = clock.secondsSince(at);
  if (age === null || age <= FRESH_CALL_S) {
    voice.announce({
      number: call.number,
      windowId: call.window.id,
      windowName: call.window.name,
      recall: call.recall,
    });
  }
  renderNow();
  renderRecent();
  board.call(call); // last: its hold starts once the page has drawn it
}

/** A parked ticket (容缺) taken up again at its window: its cell shows it, unannounced (the
 * citizen is at the window already). */
function resumed({ data, seq }) {
  const window = board.windows.find((w) => w.id === data.ticket.window);
  if (!window) return;
  const { id, number } = data.ticket;
  board.call({ id: String(seq), ticket: id, number, window, recall: false });
}

function windowChanged(window) {
  if (window.status === "closed") board.release(window.id);
  else board.release(window.id, window.ticket_id ?? null);
}

// --- rendering ---------------------------------------------------------------------------------

function render() {
  renderNow();
  renderBoard();
  renderRecent();
  renderWaiting();
  renderTicker();
  renderClock();
}

/** The call the voice is announcing, else the newest call. */
function nowCall() {
  const spoken = voice.current;
  if (spoken) {
    const window = { id: spoken.windowId, name: spoken.windowName };
    return { number: spoken.number, window, recall: spoken.recall };
  }
  return state.calls[0] ?? null;
}

let flashTimer = null;
let flashed = null;

function renderNow() {
  const call = nowCall();
  const box = $("#now-calling");
  box.dataset.state = call ? "call" : "empty";
  $("#now-number").textContent = call?.number ?? "";
  $("#now-window").textContent = call ? t("screen.go_to", { window: call.window.name }) : "";
  const label = $("#now-label");
  label.dataset.i18n = call?.recall ? "screen.recall" : "screen.now_calling";
  label.textContent = t(label.dataset.i18n);
  const spoken = voice.current;
  if (spoken && spoken !== flashed) {
    flashed = spoken;
    box.classList.remove("flash");
    void box.offsetWidth; // restart the animation
    box.classList.add("flash");
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => box.classList.remove("flash"), FLASH_MS);
  }
}

const cellNodes = new Map(); // window id -> the cell element of the call it shows

/** Cells are added and removed one by one, never redrawn: a cell element is one call on
 * screen (`data-call`), from the moment it shows until the moment it goes. */
function renderBoard() {
  const grid = $("#call-grid");
  const cells = board.cells();
  const showing = new Set(cells.map((cell) => cell.window.id));
  for (const [windowId, node] of cellNodes) {
    if (!showing.has(windowId)) {
      node.remove();
      cellNodes.delete(windowId);
    }
  }
  for (const cell of cells) {
    const node = cellNodes.get(cell.window.id);
    if (node?.dataset.call === cell.call.id) {
      node.style.order = String(cell.index);
      continue;
    }
    const fresh = cellNode(cell);
    if (node) node.replaceWith(fresh);
    else grid.append(fresh);
    cellNodes.set(cell.window.id, fresh);
    fitText(fresh.querySelector(".call-window"));
  }
  grid.dataset.count = String(cells.length);
  $("#call-board-empty").hidden = cells.length > 0;
  renderSpeaking();
}

function cellNode({ window, call, index }) {
  const node = el(
    "div",
    {
      class: call.recall ? "call-cell recall" : "call-cell",
      dataset: { call: call.id, window: window.id, number: call.number },
    },
    el("span", { class: "call-number" }, call.number),
    el("span", { class: "call-window" }, window.name),
    call.recall ? recallTag() : null,
  );
  node.style.order = String(index); // through the CSSOM: the page's policy forbids style attributes
  return node;
}

function recallTag() {
  return el("span", { class: "call-tag", dataset: { i18n: "screen.recall" } }, t("screen.recall"));
}

/** Light the cell (and the recent row) of the call the voice is announcing. */
function renderSpeaking() {
  const spoken = voice.current;
  const lit = (node) =>
    Boolean(spoken) && node.dataset.window === spoken.windowId && node.dataset.number === spoken.number;
  for (const node of cellNodes.values()) node.classList.toggle("speaking", lit(node));
  for (const row of document.querySelectorAll("#recent .recent-row")) {
    row.classList.toggle("speaking", lit(row));
  }
}

/** Columns and rows for the hall's window count in the grid's box, and its number size. */
function shapeBoard() {
  const grid = $("#call-grid");
  const box = $("#call-board");
  const gap = Number.parseFloat(getComputedStyle(grid).rowGap) || 0;
  const count = Math.max(1, board.windows.length);
  const shares = { gap, ...NUMBER_SHARES };
  const { columns, rows } = gridShape(count, box.clientWidth, box.clientHeight, shares);
  grid.style.setProperty("--columns", String(columns));
  grid.style.setProperty("--rows", String(rows));
  grid.dataset.windows = String(count);
  fitAll();
}

/** Shrink a one-line text where it would overflow its box (a long window name). */
function fitText(node) {
  node.style.removeProperty("--fit");
  if (node.scrollWidth > node.clientWidth && node.scrollWidth > 0) {
    const fit = Math.floor((100 * node.clientWidth) / node.scrollWidth) / 100;
    node.style.setProperty("--fit", String(fit));
  }
}

function fitAll() {
  for (const node of document.querySelectorAll(".call-window, .recent-window")) fitText(node);
}

function renderRecent() {
  $("#recent").replaceChildren(
    ...state.calls.map((call, index) =>
      el(
        "li",
        {
          class: index === 0 ? "recent-row newest" : "recent-row",
          dataset: { ticket: call.ticket, window: call.window.id, number: call.number },
        },
        el("span", { class: "recent-number" }, call.number),
        el("span", { class: "recent-window" }, call.window.name),
      ),
    ),
  );
  $("#recent").style.setProperty("--recent-rows", String(RECENT));
  for (const node of document.querySelectorAll(".recent-window")) fitText(node);
  renderSpeaking();
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
  $("#ticker-label").hidden = !state.notice;
  const node = $("#ticker-text");
  node.dataset.notice = state.notice ? "broadcast" : "welcome";
  if (node.textContent === text) return;
  node.textContent = text;
  const seconds = Math.max(20, Math.round([...text].length / TICKER_CHARS_PER_S) + 15);
  node.style.setProperty("--ticker-seconds", `${seconds}s`);
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

function voiceChanged() {
  renderSound();
  renderNow();
  renderSpeaking();
}

// --- wiring ------------------------------------------------------------------------------------

document.body.classList.toggle("show-lang-switch", OPTIONS.langButton);
if (OPTIONS.lang) setLanguage(OPTIONS.lang);
$("#sound-off").addEventListener("click", () => voice.unlock());
document.addEventListener("pointerdown", () => {
  if (voice.blocked) voice.unlock();
});
voice.onChange(voiceChanged);
onLanguageChange(render);
new ResizeObserver(shapeBoard).observe($("#call-board"));
setInterval(renderClock, 10000);
setInterval(() => {
  if (connection.status === ONLINE && !voice.busy && board.backlog === 0) connection.resync();
}, REFRESH_MS);
render();
if (token) connection.start();
else banner.setMessage("conn.unpaired");
