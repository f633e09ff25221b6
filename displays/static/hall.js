// hall.js: the shared client of every hall device page (PROTOCOL v1 over /ws).
//
// - i18n: `t(key, params)` over the one translation table the server embeds in the page
//   (`displays/i18n.py`), a language switch, `data-i18n` attributes applied on change;
// - pairing: the device token from the URL fragment (`#token=...`), kept in localStorage so a
//   reboot stays paired, and removed from the address bar;
// - `HallConnection`: hello (with `resume`), reconnection with exponential backoff and jitter,
//   command sending with ids and a reply promise (re-sent with the same id after a reconnect,
//   which the server answers once), event dispatch, gap detection (re-hello with resume),
//   ping/pong and a dead-socket check;
// - an always-visible banner while the page is not connected.

const TABLE = JSON.parse(document.getElementById("hall-i18n").textContent);
export const SETTINGS = JSON.parse(document.getElementById("hall-settings").textContent);
export const DEFAULT_LANGUAGE = TABLE.default;

// --- storage that never throws (private browsing, disabled storage) --------------------------

export function stored(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function store(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    /* the page still works, it just forgets */
  }
}

// --- i18n ------------------------------------------------------------------------------------

const LANG_KEY = "hall.lang";
const languageListeners = new Set();
let language = initialLanguage();

function initialLanguage() {
  const saved = SETTINGS.persistLanguage === false ? null : stored(LANG_KEY);
  return TABLE.languages.includes(saved) ? saved : TABLE.default;
}

export function currentLanguage() {
  return language;
}

export function isDefaultLanguage() {
  return language === TABLE.default;
}

/** The text for `key` in the current language, `{name}` placeholders filled from `params`. */
export function t(key, params = {}, lang = language) {
  const text = TABLE.strings[lang]?.[key] ?? TABLE.strings[TABLE.default][key];
  if (text === undefined) {
    console.warn("hall: no text for", key);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** A plain-language explanation of an error code (`error.<code>`). */
export function explain(code) {
  const key = `error.${code}`;
  return key in TABLE.strings[TABLE.default] ? t(key) : t("error.unknown");
}

/** Show the text of a translation key in `node`, or hide it for none; an `error.<code>` key
 * shows the code's plain-language explanation. The key stays on the node (`data-key`), so the
 * page can show it again in another language. */
export function showKeyedMessage(node, key) {
  node.dataset.key = key ?? "";
  node.textContent = key ? (key.startsWith("error.") ? explain(key.slice(6)) : t(key)) : "";
  show(node, Boolean(key));
}

export function hasText(key) {
  return key in TABLE.strings[TABLE.default];
}

export function setLanguage(lang) {
  if (!TABLE.languages.includes(lang)) lang = TABLE.default;
  language = lang;
  if (SETTINGS.persistLanguage !== false) store(LANG_KEY, lang);
  applyTranslations();
  for (const listener of languageListeners) listener(lang);
}

export function onLanguageChange(listener) {
  languageListeners.add(listener);
}

/** Fill every `data-i18n` element (and `data-i18n-placeholder` / `-aria-label`) under `root`. */
export function applyTranslations(root = document) {
  document.documentElement.lang = language;
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-placeholder]")) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
  for (const node of root.querySelectorAll("[data-i18n-aria-label]")) {
    node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
  }
  for (const button of document.querySelectorAll("[data-lang-switch]")) {
    button.textContent = t("lang.name", {}, nextLanguage());
    button.lang = nextLanguage();
  }
}

function nextLanguage() {
  const index = TABLE.languages.indexOf(language);
  return TABLE.languages[(index + 1) % TABLE.languages.length];
}

function bindLanguageSwitches() {
  for (const button of document.querySelectorAll("[data-lang-switch]")) {
    button.addEventListener("click", () => setLanguage(nextLanguage()));
  }
  applyTranslations();
}

// --- small DOM and formatting helpers --------------------------------------------------------

/** `el("div", {class: "x", dataset: {id: 1}, onclick: fn}, "text", child)` */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function show(node, visible = true) {
  node.hidden = !visible;
}

/** Whole minutes, rounded up, at least 1. */
export function minutes(seconds) {
  return Math.max(1, Math.ceil(seconds / 60));
}

/** The expected-wait line a ticket shows (the same words as the printed ticket). */
export function waitText(etaSeconds, windowOpen = true) {
  if (etaSeconds === null || etaSeconds === undefined) return t("print.wait_unknown");
  if (etaSeconds >= 60) return t("print.wait", { minutes: minutes(etaSeconds) });
  return windowOpen ? t("print.wait_none") : t("print.wait_not_open");
}

export function setHallName(name) {
  const node = document.getElementById("hall-name");
  if (node) node.textContent = name || "";
}

// --- pairing ---------------------------------------------------------------------------------

/** The device token: from `#token=...` (then kept in localStorage and removed from the
 * address bar, so nobody reads it off the screen) or from an earlier pairing. */
export function pairedToken(key = `hall.token:${location.pathname}`) {
  const params = new URLSearchParams(location.hash.slice(1));
  const fresh = params.get("token");
  if (fresh) {
    store(key, fresh);
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
    return fresh;
  }
  return stored(key);
}

export function newId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// --- the connection --------------------------------------------------------------------------

export class CommandError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

const HALL_WIDE = new Set(["kiosk", "clerk", "call_screen", "tablet", "guide"]);
const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_RESUME = new Set([4408, 4409]);

export const ONLINE = "online";
export const CONNECTING = "connecting";
export const OFFLINE = "offline";
export const UNAUTHORIZED = "unauthorized";

export class HallConnection {
  /**
   * `hello()` returns the hello fields (`token`, or `kind` and `track`); `resume` is added.
   * Listen with `on(type, fn)`: "snapshot" (snapshot, welcome), "welcome", "event" and
   * "event:<name>" (message), "status" (status), and any other server message type
   * ("position", "metrics", "error").
   */
  constructor({
    hello,
    url = defaultUrl(),
    commandTimeoutMs = 20000,
    backoffMs = 500,
    maxBackoffMs = 8000,
    unauthorizedRetryMs = 30000,
    staleMs = 45000,
    pingEveryMs = 15000,
  }) {
    this.hello = hello;
    this.url = url;
    this.commandTimeoutMs = commandTimeoutMs;
    this.backoffMs = backoffMs;
    this.maxBackoffMs = maxBackoffMs;
    this.unauthorizedRetryMs = unauthorizedRetryMs;
    this.staleMs = staleMs;
    this.pingEveryMs = pingEveryMs;
    this.listeners = new Map();
    this.pending = new Map();
    this.socket = null;
    this.status = CONNECTING;
    this.seq = null;
    this.device = null;
    this.attempts = 0;
    this.resyncing = false;
    this.everOnline = false;
    this.unauthorized = false;
    this.lastHeard = 0;
    this.lastSent = 0;
    this.retryTimer = null;
  }

  on(type, listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(listener);
    return this;
  }

  emit(type, ...args) {
    for (const listener of this.listeners.get(type) ?? []) {
      try {
        listener(...args);
      } catch (error) {
        console.error("hall: listener for", type, "failed", error);
      }
    }
  }

  get hallWide() {
    return HALL_WIDE.has(this.device?.kind);
  }

  start() {
    this.open();
    setInterval(() => this.checkAlive(), 5000);
    window.addEventListener("online", () => this.retryNow());
    return this;
  }

  // -- socket lifecycle --

  open() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.socket) return;
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.closed(1006);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.lastHeard = Date.now();
      this.sendHello(this.seq);
    };
    socket.onmessage = (message) => {
      if (socket !== this.socket) return;
      this.lastHeard = Date.now();
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      this.receive(data);
    };
    socket.onclose = (event) => {
      if (socket === this.socket) this.closed(event.code);
    };
  }

  closed(code) {
    this.socket = null;
    this.resyncing = false;
    if (code === CLOSE_UNAUTHORIZED || this.unauthorized) {
      this.setStatus(UNAUTHORIZED);
      this.scheduleRetry(this.unauthorizedRetryMs);
      return;
    }
    this.setStatus(this.everOnline ? OFFLINE : CONNECTING);
    if (CLOSE_RESUME.has(code)) {
      this.scheduleRetry(this.backoffMs * Math.random());
      return;
    }
    const ceiling = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** this.attempts);
    this.attempts += 1;
    this.scheduleRetry(ceiling * (0.5 + Math.random() / 2)); // exponential backoff with jitter
  }

  scheduleRetry(delayMs) {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), delayMs);
  }

  retryNow() {
    if (!this.socket) this.open();
  }

  /** Drop the socket (e.g. a half-open one) and reconnect with resume. */
  reconnect() {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    try {
      socket.close();
    } catch {
      /* already gone */
    }
    this.closed(1006);
  }

  checkAlive() {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    if (now - this.lastHeard > this.staleMs) this.reconnect();
    else if (now - this.lastSent > this.pingEveryMs) this.send({ type: "ping" });
  }

  setStatus(status) {
    if (status === this.status) return;
    this.status = status;
    document.body.dataset.connection = status;
    this.emit("status", status);
  }

  send(message) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    this.lastSent = Date.now();
    return true;
  }

  sendHello(resume) {
    const message = { type: "hello", ...this.hello() };
    if (resume !== null && resume !== undefined) message.resume = resume;
    this.resyncing = true;
    this.send(message);
  }

  /** Ask for a fresh snapshot (e.g. after a change the page cannot follow event by event). */
  resync() {
    if (this.status === ONLINE && !this.resyncing) this.sendHello(null);
  }

  // -- receiving --

  receive(message) {
    switch (message.type) {
      case "welcome":
        this.welcome(message);
        break;
      case "event":
        this.event(message);
        break;
      case "reply":
        this.reply(message);
        break;
      case "ping":
        this.send({ type: "pong" });
        break;
      case "pong":
        break;
      case "error":
        if (message.error?.code === "unauthorized" || message.error?.code === "hello_required") {
          this.unauthorized = true;
        }
        this.emit("error", message);
        break;
      default:
        if (typeof message.seq === "number" && !this.hallWide) {
          this.seq = Math.max(this.seq ?? 0, message.seq);
        }
        this.emit(message.type, message);
    }
  }

  welcome(message) {
    this.resyncing = false;
    this.unauthorized = false;
    this.device = message.device;
    this.seq = message.seq;
    this.attempts = 0;
    this.everOnline = true;
    if (message.snapshot) this.emit("snapshot", message.snapshot, message);
    this.emit("welcome", message);
    this.setStatus(ONLINE);
    this.flush();
  }

  event(message) {
    if (this.resyncing) return; // a welcome (and a replay) is on its way
    if (this.seq !== null && message.seq <= this.seq) return; // seen already
    if (this.hallWide && this.seq !== null && message.seq !== this.seq + 1) {
      this.sendHello(this.seq); // a gap: something was lost, resume from what we have
      return;
    }
    this.seq = message.seq;
    this.emit("event", message);
    this.emit(`event:${message.event}`, message);
  }

  reply(message) {
    const entry = this.pending.get(message.id);
    if (!entry) return;
    this.pending.delete(message.id);
    clearTimeout(entry.timer);
    if (message.ok) entry.resolve(message.result);
    else entry.reject(new CommandError(message.error?.code ?? "unknown", message.error?.message));
  }

  // -- commands --

  /** Send a command; resolves with its result, rejects with a `CommandError` (code
   * "timeout" when no reply came in time). Sent again, with the same id, after a reconnect. */
  command(name, args = {}, { timeoutMs = this.commandTimeoutMs } = {}) {
    const id = newId();
    return new Promise((resolve, reject) => {
      const entry = { frame: { type: "command", id, name, args }, resolve, reject, socket: null };
      entry.timer = setTimeout(() => {
        this.pending.delete(id);
        const code = this.status === ONLINE ? "timeout" : "offline";
        reject(new CommandError(code, `no reply to ${name}`));
      }, timeoutMs);
      this.pending.set(id, entry);
      if (this.status === ONLINE) this.transmit(entry);
      else this.retryNow(); // someone is waiting: try at once rather than at the next backoff
    });
  }

  transmit(entry) {
    if (entry.socket === this.socket) return;
    if (this.send(entry.frame)) entry.socket = this.socket;
  }

  flush() {
    for (const entry of this.pending.values()) this.transmit(entry);
  }
}

function defaultUrl() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws`;
}

// --- the connection banner --------------------------------------------------------------------

const BANNER_TEXT = {
  [CONNECTING]: "conn.connecting",
  [OFFLINE]: "conn.offline",
  [UNAUTHORIZED]: "conn.unpaired",
};

/** Show `#hall-banner` whenever the connection is not online (the first connection attempt
 * only after `graceMs`, so a normal page load does not flash it); `unauthorized` names the
 * text shown when the server refuses the page's credentials. */
export function bindBanner(connection, { graceMs = 1500, unauthorized = "conn.unpaired" } = {}) {
  const banner = document.getElementById("hall-banner");
  const text = banner.querySelector(".conn-banner-text");
  const texts = { ...BANNER_TEXT, [UNAUTHORIZED]: unauthorized };
  let override = null;
  let graceOver = false;
  const render = () => {
    const status = connection.status;
    const key = override ?? texts[status];
    banner.dataset.status = override ? UNAUTHORIZED : status;
    if (key) text.textContent = t(key);
    show(banner, Boolean(key) && !(status === CONNECTING && !connection.everOnline && !graceOver));
  };
  setTimeout(() => {
    graceOver = true;
    render();
  }, graceMs);
  connection.on("status", render);
  onLanguageChange(render);
  render();
  return {
    /** Show a lasting message instead (e.g. a token of the wrong kind); null clears it. */
    setMessage(key) {
      override = key;
      render();
    },
  };
}

// --- start -----------------------------------------------------------------------------------

bindLanguageSwitches();
window.hall = { t, setLanguage, SETTINGS };
