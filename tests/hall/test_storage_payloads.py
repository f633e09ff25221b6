"""The store's fast payloads are exactly the core codec's JSON, both ways."""

from __future__ import annotations

import json

from hall.storage.payloads import (
    compile_all,
    event_from_payload,
    event_to_payload,
    state_from_payload,
    state_to_payload,
)
from queueing.apply import apply
from queueing.codec import event_from_dict, event_to_dict, state_from_dict, state_to_dict
from queueing.events import HallBroadcast
from queueing.model import initial_state
from tests.hall.storage_scenarios import busy_days


def _through_json(data: object) -> object:
    return json.loads(json.dumps(data))


def test_every_event_and_the_state_have_payload_converters() -> None:
    compile_all()


def test_event_payloads_equal_the_codec_both_ways() -> None:
    driver = busy_days("codec", seed=3)
    for stored in driver.events():
        payload = event_to_payload(stored.event)
        assert payload == event_to_dict(stored.event)
        stored_json = _through_json(payload)
        assert isinstance(stored_json, dict)
        assert event_from_payload(stored_json) == event_from_dict(stored_json) == stored.event


def test_state_payloads_equal_the_codec_both_ways() -> None:
    driver = busy_days("codec-state", seed=5, commands=300)
    states = [initial_state(driver.config)]
    for stored in driver.events():
        states.append(apply(states[-1], stored.event))
    for state in states[:: max(1, len(states) // 25)] + [driver.state]:
        payload = state_to_payload(state)
        assert payload == state_to_dict(state)
        stored_json = _through_json(payload)
        assert isinstance(stored_json, dict)
        assert state_from_payload(stored_json) == state_from_dict(stored_json) == state


def test_integral_floats_decode_as_floats() -> None:
    driver = busy_days("ints", commands=20)
    issued = next(e.event for e in driver.events() if e.event.name == "ticket.issued")
    payload = event_to_payload(issued)
    payload["ticket"] = {**payload["ticket"], "issued_at": 1709514000}
    decoded = event_from_payload(payload)
    assert decoded == event_from_dict(payload)
    assert type(decoded.ticket.issued_at) is float  # type: ignore[union-attr]


def test_a_managers_staff_number_is_written_only_when_set_as_by_the_codec() -> None:
    signed = HallBroadcast("午休", by="9001")
    unsigned = HallBroadcast("午休")

    assert event_to_payload(signed) == event_to_dict(signed)
    assert event_to_payload(unsigned) == event_to_dict(unsigned)
    assert "by" not in event_to_payload(unsigned)
    assert event_from_payload(event_to_payload(signed)) == signed
    assert event_from_payload({"name": "hall.broadcast", "text": "午休"}) == unsigned
