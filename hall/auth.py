"""Secrets: the admin token, device tokens (stored hashed) and staff passwords (scrypt)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

from queueing.booking_codes import ALPHABET, CODE_LENGTH, accepted_code, check_character

ADMIN_TOKEN_ENV = "HALL_ADMIN_TOKEN"
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def new_token() -> str:
    """An unguessable token for a device, a tracker link or a booking."""
    return secrets.token_urlsafe(24)


def new_booking_code() -> str:
    """A booking code a citizen types on a kiosk or scans (`queueing/booking_codes.py`): nine
    random characters of an alphabet without look-alikes (about 44.6 bits) and a check
    character."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH - 1))
    return payload + check_character(payload)


def valid_booking_code(code: str) -> bool:
    """True for a canonical code (`normalise_code`) an appointment may have: this version's,
    with its check character right, or a legacy one of 8 digits."""
    return accepted_code(code)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def admin_token_from_env() -> tuple[str, bool]:
    """The admin token and whether it was generated here (then the server prints it once)."""
    token = os.environ.get(ADMIN_TOKEN_ENV, "").strip()
    if token:
        return token, False
    return new_token(), True


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def unknown_account_hash() -> str:
    """A stored hash no password matches, with today's scrypt cost: checked when no account has
    the staff number, so that an unknown number costs what a wrong password costs."""
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(bytes(16))}${_b64(bytes(64))}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, _unb64(digest))


def citizen_key(secret: str, identity: str) -> str:
    """An opaque key for a citizen (e.g. from a phone number): lets the hall count missed
    appointments without the core ever holding personal data."""
    normalised = "".join(identity.split())
    return hmac.new(secret.encode(), normalised.encode(), hashlib.sha256).hexdigest()[:32]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode())
