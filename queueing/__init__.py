"""The pure domain core of hall: model, commands, events, decide/apply, routing, estimation,
the day simulator. Standard library only; no I/O, no clock, no global state."""

from queueing.apply import apply, replay
from queueing.calendar import service_day, slot_starts
from queueing.codec import event_from_dict, event_to_dict, state_from_dict, state_to_dict
from queueing.config import HallConfig, Rules, config_document, parse_config
from queueing.decide import decide
from queueing.errors import ConfigError, DomainError
from queueing.estimate import Estimate, estimate_waits
from queueing.model import HallState, Ticket, Window, initial_state

__all__ = [
    "ConfigError",
    "DomainError",
    "Estimate",
    "HallConfig",
    "HallState",
    "Rules",
    "Ticket",
    "Window",
    "apply",
    "config_document",
    "decide",
    "estimate_waits",
    "event_from_dict",
    "event_to_dict",
    "initial_state",
    "parse_config",
    "replay",
    "service_day",
    "slot_starts",
    "state_from_dict",
    "state_to_dict",
]
