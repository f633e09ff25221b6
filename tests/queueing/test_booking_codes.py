"""Booking codes: ten characters without look-alikes, a check character that catches every single
mistyped character and every swap of neighbours, and the forms a citizen may type."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from hall.auth import new_booking_code, valid_booking_code
from queueing.booking_codes import (
    ALPHABET,
    CODE_LENGTH,
    check_character,
    normalise_code,
    valid_code,
)


def test_new_codes_are_ten_characters_without_look_alikes_and_check_out() -> None:
    codes = {new_booking_code() for _ in range(2_000)}

    assert len(codes) == 2_000
    assert all(len(code) == CODE_LENGTH >= 10 and valid_code(code) for code in codes)
    used = set("".join(codes))
    assert used <= set(ALPHABET) and not used & set("0O1IL")
    assert len(used) == len(ALPHABET) == 31  # every character is drawn


def _codes(count: int) -> list[str]:
    rng = random.Random(7)
    payloads = ["".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH - 1)) for _ in range(count)]
    return [payload + check_character(payload) for payload in payloads]


def test_every_single_mistyped_character_is_caught() -> None:
    for code in _codes(200):
        for position in range(CODE_LENGTH):
            for wrong in ALPHABET.replace(code[position], ""):
                typo = code[:position] + wrong + code[position + 1 :]
                assert not valid_code(typo), (code, typo)


def test_every_swap_of_two_neighbours_is_caught() -> None:
    for code in _codes(500):
        for i in range(CODE_LENGTH - 1):
            if code[i] != code[i + 1]:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                assert not valid_code(swapped), (code, swapped)


@pytest.mark.parametrize("typed", ["abcde-fghjk", " ABCDE FGHJK ", "AbCdE\tfGhJk", "ABCDE--FGHJK"])
def test_a_code_is_typed_in_any_case_with_spaces_or_dashes(typed: str) -> None:
    assert normalise_code(typed) == "ABCDEFGHJK"


def test_legacy_codes_are_still_accepted_where_appointments_may_have_them() -> None:
    assert valid_booking_code("12345678")
    assert not valid_code("12345678")
    assert not valid_booking_code("1234567") and not valid_booking_code("ABCDEFGHJ0")


def test_the_kiosk_checks_codes_with_the_same_alphabet_and_length() -> None:
    script = (Path(__file__).parents[2] / "displays" / "static" / "kiosk.js").read_text()
    alphabet = re.search(r'const CODE_ALPHABET = "([^"]+)"', script)
    length = re.search(r"const CODE_LENGTH = (\d+);", script)
    assert alphabet is not None and alphabet.group(1) == ALPHABET
    assert length is not None and int(length.group(1)) == CODE_LENGTH
