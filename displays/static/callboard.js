// callboard.js: what the call screen's grid shows, one cell per window with a current call.
//
// A cell shows the ticket its window is calling or serving. Changes to a cell are queued: each
// call stays on screen at least `minMs` before the window's next call (or an emptied cell)
// replaces it, however fast calls come, and no call is ever skipped. An emptied cell that a
// later call is already waiting to replace is passed over (it shows nothing worth holding).
// The board only decides; the page draws `cells()` whenever `onChange` fires.

const NONE = null; // a change that empties a cell

export class CallBoard {
  /** `minMs`: the least time a call stays in its cell; `now`: a monotonic clock in ms. */
  constructor({ minMs, onChange = () => {}, now = () => performance.now() }) {
    this.minMs = minMs;
    this.onChange = onChange;
    this.now = now;
    this.windows = []; // [{id, name}], in the hall's order
    this.slots = new Map(); // window id -> {shown, since, pending: [call | NONE], timer}
  }

  /** Start from a snapshot: the hall's windows and, per window, its current call or null.
   * A cell already showing (or about to show) the same ticket keeps it, and its hold time. */
  reset(windows, current) {
    this.windows = windows.map(({ id, name }) => ({ id, name }));
    const known = new Set(this.windows.map((window) => window.id));
    for (const [id, slot] of this.slots) {
      if (!known.has(id)) {
        clearTimeout(slot.timer);
        this.slots.delete(id);
      }
    }
    for (const window of this.windows) {
      const call = current.get(window.id) ?? NONE;
      if (!this.slots.has(window.id)) {
        // a cell the page never showed: the call was made before it looked, nothing to hold
        this.slots.set(window.id, { shown: call, since: -Infinity, pending: [], timer: null });
      } else if (this.intended(window.id)?.ticket !== call?.ticket) {
        this.enqueue(window.id, call);
      }
    }
    this.onChange();
  }

  /** A call at its window (a recall too: it is shown again, after the call before it). */
  call(call) {
    this.enqueue(call.window.id, call);
  }

  /** The window no longer has `ticket` (or any ticket, for null) in hand: empty its cell,
   * unless the cell is already meant to show another ticket. */
  release(windowId, ticket = null) {
    const intended = this.intended(windowId);
    if (intended === NONE) return;
    if (ticket !== null && intended.ticket === ticket) return;
    this.enqueue(windowId, NONE);
  }

  /** The cells to draw, in the hall's window order: [{window, call}]. */
  cells() {
    const cells = [];
    this.windows.forEach((window, index) => {
      const shown = this.slots.get(window.id)?.shown ?? NONE;
      if (shown !== NONE) cells.push({ window, call: shown, index });
    });
    return cells;
  }

  /** How many changes wait behind the shown ones, over all cells. */
  get backlog() {
    let count = 0;
    for (const slot of this.slots.values()) count += slot.pending.length;
    return count;
  }

  /** What the cell will show once its queue has run: the last queued change, else the shown. */
  intended(windowId) {
    const slot = this.slots.get(windowId);
    if (!slot) return NONE;
    return slot.pending.length ? slot.pending.at(-1) : slot.shown;
  }

  enqueue(windowId, change) {
    let slot = this.slots.get(windowId);
    if (!slot) {
      slot = { shown: NONE, since: -Infinity, pending: [], timer: null };
      this.slots.set(windowId, slot);
    }
    slot.pending.push(change);
    this.advance(slot);
  }

  /** Show the cell's next change if its call has been shown long enough, else wait. The hold
   * counts from when the page has drawn the call (after `onChange`), not from before. */
  advance(slot) {
    if (slot.timer !== null) return; // a hold is running; it advances when it ends
    let changed = false;
    while (slot.pending.length && this.holdLeft(slot) <= 0) {
      const next = slot.pending.shift();
      if (next === NONE && slot.pending.length) continue; // emptied, then filled again at once
      slot.shown = next;
      changed = true;
      if (next !== NONE) break; // one call at a time: each gets its frame and its hold
    }
    if (changed) {
      this.onChange();
      slot.since = this.now();
      // The page finishes drawing after this task's script: count the hold from then. A timer
      // set meanwhile finds the hold not over yet and waits out the rest.
      queueMicrotask(() => {
        slot.since = Math.max(slot.since, this.now());
      });
    }
    if (slot.pending.length) {
      slot.timer = setTimeout(() => {
        slot.timer = null;
        this.advance(slot);
      }, Math.max(0, this.holdLeft(slot)));
    }
  }

  holdLeft(slot) {
    return slot.shown === NONE ? 0 : slot.since + this.minMs - this.now();
  }
}

/** The grid's columns and rows for `count` cells in a `width` x `height` box with `gap` between
 * cells: the shape that gives the largest ticket number. A number's size is the smaller of
 * `heightShare` of a cell's height and `widthShare` of its width (as the stylesheet sizes it). */
export function gridShape(count, width, height, { gap = 0, heightShare = 0.46, widthShare = 0.28 } = {}) {
  const cells = Math.max(1, count);
  let best = { columns: 1, rows: cells, size: -1 };
  for (let columns = 1; columns <= cells; columns += 1) {
    const rows = Math.ceil(cells / columns);
    const cellWidth = (width - gap * (columns - 1)) / columns;
    const cellHeight = (height - gap * (rows - 1)) / rows;
    const size = Math.min(heightShare * cellHeight, widthShare * cellWidth);
    if (size > best.size) best = { columns, rows, size };
  }
  return { columns: best.columns, rows: best.rows };
}
