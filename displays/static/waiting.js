// waiting.js: exact waiting counts per queue for hall-wide pages that get no ticket list (the
// call screen), kept from the snapshot's counts and the hall's ticket events.
//
// A ticket entering the waiting state adds one to its queue, one leaving it takes one away.
// For a ticket first seen in an event, the event tells what it was before (a first call was
// waiting, a recall was not; a moved or prioritised ticket was waiting, a moved one in
// `from_queue`), except a cancellation: then only a fresh snapshot tells, and `apply` returns
// "resync". `ticket.issued` carries the counts themselves.

export class WaitingCounts {
  constructor() {
    this.counts = new Map();
    this.known = new Map(); // ticket id -> {state, queue}, for tickets seen since the snapshot
  }

  /** Start again from a snapshot's queues ({id, waiting}). */
  reset(queues) {
    this.counts = new Map(queues.map((queue) => [queue.id, queue.waiting ?? 0]));
    this.known.clear();
  }

  get(queueId) {
    return this.counts.get(queueId) ?? 0;
  }

  /** Follow one event; returns "resync" when only a snapshot can tell the counts. */
  apply(event, data) {
    if (!event.startsWith("ticket.") || !data?.ticket) return null;
    const ticket = data.ticket;
    const before = this.known.get(ticket.id);
    let wasWaiting;
    let queueBefore = ticket.queue;
    if (before) {
      wasWaiting = before.state === "waiting";
      queueBefore = before.queue;
    } else if (event === "ticket.cancelled") {
      return "resync";
    } else if (event === "ticket.moved" || event === "ticket.prioritised") {
      wasWaiting = true; // a tablet moves or prioritises waiting tickets only
      queueBefore = data.from_queue?.id ?? ticket.queue;
    } else {
      wasWaiting = event === "ticket.called" && !data.recall;
    }
    if (ticket.state === "finished" || ticket.state === "cancelled") this.known.delete(ticket.id);
    else this.known.set(ticket.id, { state: ticket.state, queue: ticket.queue });
    if (wasWaiting) this.add(queueBefore, -1);
    if (ticket.state === "waiting") this.add(ticket.queue, +1);
    if (event === "ticket.issued" && data.waiting) {
      for (const [queue, count] of Object.entries(data.waiting)) this.counts.set(queue, count);
    }
    return null;
  }

  add(queueId, delta) {
    if (this.counts.has(queueId)) this.counts.set(queueId, Math.max(0, this.counts.get(queueId) + delta));
  }
}
