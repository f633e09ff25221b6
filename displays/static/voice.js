// voice.js: call announcements. A chime (generated with WebAudio, no audio files), then the
// call spoken by the Web Speech API, repeated as the hall configures, one call after another:
// announcements never overlap. The ticket number is read letter by letter and digit by digit
// (A023 -> "A，零，二，三"), as halls announce it.
//
// `VoiceQueue` keeps its recent items (`history`, bounded) with their text and state, so a
// page or a test can see what was queued even where the browser has no voices. No call is
// ever dropped from the queue, however many wait; a recall goes ahead of the calls waiting
// (after the recalls already waiting), since its citizen is the one holding up a window.

import { t } from "./hall.js";

const MAX_HISTORY = 50;
const GAP_MS = 700; // silence between two repeats
const CHIME_MS = 1500;

/** "A023" -> "A，零，二，三" (zh-CN) or "A, 0, 2, 3" (en). */
export function spokenNumber(number, lang) {
  const digits = [...t("voice.digits", {}, lang)];
  const parts = [...String(number)].map((char) => (/[0-9]/.test(char) ? digits[Number(char)] : char));
  return parts.join(t("voice.separator", {}, lang));
}

/** What is spoken for a call: 请A，零，二，三号到5号窗口办理. */
export function announcementText({ number, windowName, recall }, lang) {
  const key = recall ? "announce.recall" : "announce";
  return t(key, { number: spokenNumber(number, lang), window: windowName }, lang);
}

/** A two-note "ding-dong", generated. Browsers start audio only after a tap (or with the kiosk
 * flag `--autoplay-policy=no-user-gesture-required`); until then `blocked` is true. */
export class Chime {
  constructor() {
    this.context = null;
  }

  get blocked() {
    return this.context !== null && this.context.state !== "running";
  }

  ensureContext() {
    if (this.context) return this.context;
    const Context = window.AudioContext ?? window.webkitAudioContext;
    if (!Context) return null;
    try {
      this.context = new Context();
    } catch {
      this.context = null;
    }
    return this.context;
  }

  /** Resume audio; call it from a tap. */
  unlock() {
    const context = this.ensureContext();
    if (context && context.state !== "running") context.resume().catch(() => {});
  }

  play() {
    const context = this.ensureContext();
    if (context) {
      if (context.state !== "running") context.resume().catch(() => {});
      const start = context.currentTime + 0.05;
      this.note(context, 659.25, start); // E5
      this.note(context, 523.25, start + 0.5); // C5
    }
    return new Promise((resolve) => setTimeout(resolve, CHIME_MS));
  }

  note(context, frequency, at) {
    for (const [multiple, level] of [
      [1, 0.35],
      [2, 0.06],
    ]) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = frequency * multiple;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(level, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 1.0);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + 1.05);
    }
  }
}

export class VoiceQueue {
  constructor({ lang = "zh-CN", repeat = 2, speech = window.speechSynthesis ?? null, chime = new Chime() } = {}) {
    this.lang = lang;
    this.repeat = repeat;
    this.speech = speech;
    this.chime = chime;
    this.pending = [];
    this.history = [];
    this.current = null;
    this.busy = false;
    this.speechBlocked = false;
    this.lastId = 0;
    this.listeners = new Set();
  }

  /** How many times each call is spoken (the hall's `announce_repeat`, 1 to 5). */
  setRepeat(times) {
    this.repeat = Math.min(5, Math.max(1, Math.round(Number(times) || 1)));
  }

  /** True while the browser refuses sound until someone taps the screen. */
  get blocked() {
    return this.speechBlocked || this.chime.blocked;
  }

  onChange(listener) {
    this.listeners.add(listener);
  }

  changed() {
    for (const listener of this.listeners) listener(this);
  }

  /** The texts queued so far, oldest first (bounded). */
  get queued() {
    return this.history.map((item) => item.text);
  }

  /** Queue a call: `{number, windowId, windowName, recall}`. A recall goes ahead of every call
   * waiting that is not a recall. A call of the same number to the same window already waiting
   * to be spoken is not queued twice (a recall of it moves it ahead). */
  announce(call) {
    const twin = this.pending.find(
      (item) => item.number === call.number && item.windowId === call.windowId,
    );
    if (twin) {
      if (call.recall && !twin.recall) {
        this.pending.splice(this.pending.indexOf(twin), 1);
        this.pending.splice(this.recallsWaiting(), 0, twin);
        twin.recall = true; // its text stays: nobody has heard this call yet
        this.changed();
      }
      return twin;
    }
    this.lastId += 1;
    const item = {
      id: this.lastId,
      number: call.number,
      windowId: call.windowId,
      windowName: call.windowName,
      recall: Boolean(call.recall),
      text: announcementText(call, this.lang),
      repeat: this.repeat,
      spoken: 0,
      state: "queued",
    };
    if (item.recall) this.pending.splice(this.recallsWaiting(), 0, item);
    else this.pending.push(item);
    this.history.push(item);
    while (this.history.length > MAX_HISTORY) this.history.shift();
    this.changed();
    this.pump();
    return item;
  }

  /** How many recalls wait at the front of the queue (where the next recall goes). */
  recallsWaiting() {
    const index = this.pending.findIndex((item) => !item.recall);
    return index === -1 ? this.pending.length : index;
  }

  /** Let sound play; call it from a tap on the page. */
  unlock() {
    this.chime.unlock();
    this.speechBlocked = false;
    if (this.speech) {
      const silent = new SpeechSynthesisUtterance(" ");
      silent.volume = 0;
      this.speech.speak(silent);
    }
    this.changed();
  }

  async pump() {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.pending.length) {
        const item = this.pending.shift();
        this.current = item;
        item.state = "speaking";
        this.changed();
        await this.chime.play();
        for (let i = 0; i < item.repeat; i += 1) {
          if (i > 0) await delay(GAP_MS);
          await this.say(item.text);
          item.spoken += 1;
        }
        item.state = "done";
        this.current = null;
        this.changed();
      }
    } finally {
      this.busy = false;
      this.current = null;
    }
  }

  /** Speak once; resolves when done, failed, or after a generous time (a stuck synthesiser
   * must never stop the queue). */
  say(text) {
    const speech = this.speech;
    if (!speech) return delay(estimateMs(text));
    return new Promise((resolve) => {
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        resolve();
      };
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = this.lang;
      utterance.rate = 0.9;
      const voice = pickVoice(speech, this.lang);
      if (voice) utterance.voice = voice;
      utterance.onend = finish;
      utterance.onerror = (event) => {
        if (event.error === "not-allowed") {
          this.speechBlocked = true;
          this.changed();
        }
        finish();
      };
      const timer = setTimeout(() => {
        speech.cancel();
        finish();
      }, estimateMs(text) + 4000);
      if (speech.speaking || speech.pending) speech.cancel(); // a leftover, not ours
      speech.speak(utterance);
    });
  }
}

function pickVoice(speech, lang) {
  const voices = speech.getVoices?.() ?? [];
  const wanted = lang.toLowerCase();
  const primary = wanted.split("-")[0];
  const normal = (voice) => voice.lang.replace("_", "-").toLowerCase();
  return (
    voices.find((voice) => normal(voice) === wanted) ??
    voices.find((voice) => normal(voice).split("-")[0] === primary) ??
    null
  );
}

function estimateMs(text) {
  return 400 * [...text].length;
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Speak a text at once, cutting off whatever this page was saying (the kiosk's 关怀模式 reads its
 * choices and results aloud). No chime, no queue: the latest screen is what matters. */
export function speakText(text, lang, speech = window.speechSynthesis ?? null) {
  if (!speech || !text) return;
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = lang === "en" ? "en-US" : lang;
  utterance.rate = 0.85;
  const voice = pickVoice(speech, utterance.lang);
  if (voice) utterance.voice = voice;
  speech.cancel();
  speech.speak(utterance);
}
