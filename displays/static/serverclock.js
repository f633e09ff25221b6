// serverclock.js: the server's time as a page sees it, for live counters and for telling a
// fresh call from one replayed after a reconnect.
//
// Every event carries `at`, its commit time on the server. An event that arrives while the
// connection has been up for a moment is live, so `at` minus this device's clock is the offset
// between the two clocks (less a few milliseconds of delivery). Events right after a welcome
// may be a replay of older ones and are not used. The latest sample wins, so a device whose
// own clock jumps (a TV box that sets its time after boot) is right again at the next event.

const SETTLE_MS = 1500;

export class ServerClock {
  constructor(connection, { settleMs = SETTLE_MS } = {}) {
    this.offsetMs = 0;
    this.settleMs = settleMs;
    this.welcomedAt = -Infinity;
    connection.on("welcome", () => {
      this.welcomedAt = performance.now();
    });
    connection.on("event", (message) => {
      if (performance.now() - this.welcomedAt > this.settleMs) this.observe(message.at);
    });
  }

  /** Take `at` (an ISO time of the server) as "now" on the server. */
  observe(at) {
    const ms = Date.parse(at);
    if (!Number.isNaN(ms)) this.offsetMs = ms - Date.now();
  }

  /** The server's time now, in milliseconds since the epoch. */
  now() {
    return Date.now() + this.offsetMs;
  }

  /** Whole seconds from an ISO time of the server until now (null for no time). */
  secondsSince(at) {
    const ms = Date.parse(at ?? "");
    if (Number.isNaN(ms)) return null;
    return Math.max(0, Math.floor((this.now() - ms) / 1000));
  }
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function formatDuration(seconds) {
  const total = Math.max(0, Math.floor(seconds ?? 0));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}
