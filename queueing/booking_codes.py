"""Booking codes as citizens read, type and scan them: ten characters from an alphabet without
look-alikes (no 0/O, no 1/I/L), the last one a check character. The random part is handed in
(`hall.auth.new_booking_code` draws it); this module only checks and normalises.

The check character makes the weighted sum of the code's values, weights 10 down to 1 from the
left, divisible by 31 (the alphabet's size, a prime): every single mistyped character and every
swap of two neighbouring characters is caught. Codes of the first version (8 digits) are still
accepted where an appointment booked with one may still be checked in.
"""

from __future__ import annotations

import re

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""31 characters: the digits 2-9 and the capital letters without I, L and O."""

CODE_LENGTH = 10
"""Characters of a code, the check character included."""

LEGACY_CODE = re.compile(r"^[0-9]{8}$")
"""A code of the first version: 8 digits, no check character."""

_VALUE = {char: value for value, char in enumerate(ALPHABET)}
_SEPARATORS = re.compile(r"[\s\-]+")


def check_character(payload: str) -> str:
    """The character that completes `payload` (`CODE_LENGTH - 1` alphabet characters)."""
    weights = range(CODE_LENGTH, 1, -1)
    total = sum(w * _VALUE[c] for w, c in zip(weights, payload, strict=True))
    return ALPHABET[-total % len(ALPHABET)]


def normalise_code(text: str) -> str:
    """A code as typed or scanned, in its one canonical form: capitals, no spaces or dashes."""
    return _SEPARATORS.sub("", text).upper()


def valid_code(code: str) -> bool:
    """True for a canonical code of this version whose check character is right."""
    if len(code) != CODE_LENGTH or any(c not in _VALUE for c in code):
        return False
    return check_character(code[:-1]) == code[-1]


def accepted_code(code: str) -> bool:
    """True for a canonical code an appointment may have: this version's or a legacy one."""
    return valid_code(code) or LEGACY_CODE.match(code) is not None
