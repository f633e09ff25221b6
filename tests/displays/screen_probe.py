"""What the call screen tests watch in the page: a stand-in speech synthesiser that records
each utterance (the test ends each one, or it ends by itself after a set time), a record of
when each call's cell appeared and went (a `MutationObserver`, so the page is watched, not
asked), and a measure of everything that must fit on a wall screen.

`probe_script` goes to `page.add_init_script` before the page loads; `window.screenProbe`
then holds the record:
- `cells`: {call id: {window, number, shown, hidden}} (ms of `performance.now()`; `hidden` null
  while the cell is on screen). A live call's id is its event's `seq`.
- `utterances`: [{text, at, lit}] in the order spoken; `lit` the ids of the cells lit then.
- `overlaps`: how many times a text was started while another was still being spoken.
"""

from __future__ import annotations

from typing import Any

from tests.support.browser import PageErrors, Pages, new_page
from tests.support.server import mint

_PROBE = """
(() => {
  const probe = { cells: {}, utterances: [], overlaps: 0 };
  window.screenProbe = probe;
  const speech = {
    speaking: false,
    pending: false,
    paused: false,
    current: null,
    autoMs: AUTO_MS,
    getVoices: () => [],
    addEventListener() {},
    removeEventListener() {},
    speak(utterance) {
      if (this.current !== null) probe.overlaps += 1;
      this.current = utterance;
      this.speaking = true;
      const lit = [...document.querySelectorAll(".call-cell.speaking")].map((n) => n.dataset.call);
      probe.utterances.push({ text: utterance.text, at: performance.now(), lit });
      if (this.autoMs !== null) setTimeout(() => this.end(utterance), this.autoMs);
    },
    end(utterance = this.current) {
      if (utterance === null || utterance !== this.current) return false;
      this.current = null;
      this.speaking = false;
      utterance.onend?.(new Event("end"));
      return true;
    },
    cancel() {
      const utterance = this.current;
      this.current = null;
      this.speaking = false;
      utterance?.onerror?.({ error: "canceled" });
    },
  };
  Object.defineProperty(window, "speechSynthesis", { configurable: true, get: () => speech });
  window.fakeSpeech = speech;
  const seen = (node, at, key) => {
    if (!(node instanceof Element)) return;
    const cells = node.matches(".call-cell") ? [node] : node.querySelectorAll(".call-cell");
    for (const cell of cells) {
      const id = cell.dataset.call;
      if (key === "shown") {
        const { window, number } = cell.dataset;
        probe.cells[id] = { window, number, shown: at, hidden: null };
      } else if (probe.cells[id]) {
        probe.cells[id].hidden = at;
      }
    }
  };
  new MutationObserver((records) => {
    const at = performance.now();
    for (const record of records) {
      for (const node of record.removedNodes) seen(node, at, "hidden");
      for (const node of record.addedNodes) seen(node, at, "shown");
    }
  }).observe(document, { childList: true, subtree: true });
})();
"""


def probe_script(auto_ms: int | None = None) -> str:
    """The init script; each utterance ends by itself after `auto_ms`, or when the test says
    (`window.fakeSpeech.end()`) for None."""
    return _PROBE.replace("AUTO_MS", "null" if auto_ms is None else str(auto_ms))


QUICK_CHIME = """() => {
  window.hallVoice.chime = {
    blocked: false,
    unlock() {},
    play: () => new Promise((resolve) => setTimeout(resolve, 20)),
  };
}"""
"""Swap the page's chime (1.5 s of sound) for a 20 ms silence, where a test plays many calls."""

LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const view = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
  const box = (node) => node.getBoundingClientRect();
  const name = (node) =>
    `${node.className} ${node.dataset.call ?? node.dataset.ticket ?? ""} "${node.textContent}"`;
  const inside = (node, outer, outerName) => {
    const r = box(node);
    const out = r.left < outer.left - 0.5 || r.top < outer.top - 0.5
      || r.right > outer.right + 0.5 || r.bottom > outer.bottom + 0.5;
    if (out) {
      const edges = [r.left, r.top, r.right, r.bottom].map(Math.round);
      problems.push(`${name(node)} [${edges}] outside ${outerName}`);
    }
  };
  const root = document.documentElement;
  if (root.scrollHeight > innerHeight || root.scrollWidth > innerWidth) {
    problems.push("the page scrolls");
  }
  const blocks = [".topbar", ".now-calling", ".call-cell", ".recent-head", ".recent-row",
    ".waiting-tile", ".ticker", ".panel-title"].join(", ");
  for (const node of document.querySelectorAll(blocks)) inside(node, view, "the screen");
  for (const cell of document.querySelectorAll(".call-cell")) {
    for (const part of cell.children) inside(part, box(cell), "its cell");
  }
  const list = box(document.querySelector("#recent"));
  for (const row of document.querySelectorAll(".recent-row")) {
    inside(row, list, "the recent list");
    for (const part of row.children) inside(part, box(row), "its row");
  }
  const texts = [".call-number", ".call-window", ".recent-number", ".recent-window",
    ".waiting-name", ".waiting-count", ".now-number", ".now-window"].join(", ");
  for (const node of document.querySelectorAll(texts)) {
    if (node.scrollWidth > node.clientWidth + 1) problems.push(`${name(node)} overflows its box`);
  }
  return problems;
}"""
"""Everything a wall screen must show whole: inside the screen, inside its cell or row, and
no text wider than its box. Returns what is wrong, as text."""

NUMBER_SIZE = """() => {
  const numbers = document.querySelectorAll(".call-cell:not(.recall) .call-number");
  const sizes = [...numbers].map((n) => parseFloat(getComputedStyle(n).fontSize));
  return sizes.length ? Math.min(...sizes) : 0;
}"""
"""The smallest ticket number's font size on the grid (a recall's, smaller for its tag, aside),
in CSS pixels."""

_DIGITS = "零一二三四五六七八九"


def spoken(number: str, window_name: str, *, recall: bool = False) -> str:
    """What the screen says for a call: 请A，零，二，三号到5号窗口办理 (digits read one by one)."""
    parts = "，".join(_DIGITS[int(c)] if c.isdigit() else c for c in number)
    text = f"请{parts}号到{window_name}办理"
    return f"再次呼叫，{text}" if recall else text


async def probe(page: Any) -> dict[str, Any]:
    """The page's record (see the module's docstring)."""
    record: dict[str, Any] = await page.evaluate("() => window.screenProbe")
    return record


async def open_screen(
    pages: Pages, hall: str, query: str = "", *, viewport: dict[str, Any], speech_ms: int | None
) -> Any:
    """A call screen of the hall, paired, with the probe in place before its scripts run."""
    page = await new_page(pages.browser, **viewport)
    pages.pages.append(page)
    pages.errors.append(PageErrors(page))
    await page.add_init_script(probe_script(speech_ms))
    token = mint(pages.server, hall, "call_screen")
    await page.goto(f"{pages.server.url}/screen{query}#token={token}")
    return page


async def rendered(page: Any) -> None:
    """Until the page has drawn a frame after its latest layout (a resize, new cells)."""
    await page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )
