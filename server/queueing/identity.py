"""A visitor's identity data, handled as the Personal Information Protection Law expects.

- The ID number (居民身份证号码, GB 11643-1999) has 17 digits and a check character:
  the weighted sum of the 17 digits (weights 2^(17-i) mod 11) modulo 11 picks it from
  ``1 0 X 9 8 7 6 5 4 3 2``. ``check_id_number`` refuses anything else.
- It is stored only as a keyed hash (HMAC-SHA256 with the hub's secret), to find the
  same person again (one booking a day, strikes), and in its masked form.
- Names and phones are kept only masked: ``张*`` (the family name), ``138****5678``.

Nothing here keeps a clear value; callers mask before they store, answer or log.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from .booking_errors import InvalidIdNumberError

_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))
_CHECK = "10X98765432"
MAX_NAME = 50


def check_character(first17: str) -> str:
    """The GB 11643 check character of 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17[:17], _WEIGHTS, strict=True)) % 11]


def check_id_number(text: object) -> str:
    """The ID number, upper-cased (a final ``x`` is ``X``), or ``InvalidIdNumberError``."""
    if not isinstance(text, str):
        raise InvalidIdNumberError()
    value = text.strip().upper()
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        raise InvalidIdNumberError("an ID number has 17 digits and a check character (18 in all)")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdNumberError("the ID number's date of birth is not a date") from None
    if value[17] != check_character(value[:17]):
        raise InvalidIdNumberError("the ID number's check digit does not match (GB 11643)")
    return value


def id_hash(id_number: str, secret: str) -> str:
    """The keyed hash that stands for the ID number in the database (hex HMAC-SHA256)."""
    key = secret.encode("utf-8")
    return hmac.new(key, b"id_number:" + id_number.encode("ascii"), hashlib.sha256).hexdigest()


def mask_id_number(id_number: str) -> str:
    """``630102199001011234`` → ``630102********1234``: the region and the last four."""
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_name(name: str) -> str:
    """``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***``; one character per hidden one."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``; shorter numbers keep only their last two."""
    digits = phone.strip()
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def check_phone(text: object) -> str | None:
    """A phone number of digits (an optional leading +), 5 to 15 of them; None if bad."""
    if not isinstance(text, str):
        return None
    value = text.strip().replace(" ", "").replace("-", "")
    body = value[1:] if value.startswith("+") else value
    return value if body.isascii() and body.isdigit() and 5 <= len(body) <= 15 else None
