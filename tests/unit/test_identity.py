"""GB 11643 check digits, the keyed hash and the masked forms of identity data."""

from __future__ import annotations

import pytest

from server.queueing.booking_errors import InvalidIdNumberError
from server.queueing.identity import (
    check_character,
    check_id_number,
    check_phone,
    id_hash,
    mask_id_number,
    mask_name,
    mask_phone,
)

# The standard's own example (GB 11643-1999, annex): 11010519491231002X.
STANDARD = "11010519491231002X"


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


def test_the_standards_example_and_a_lower_case_x():
    assert check_character(STANDARD[:17]) == "X"
    assert check_id_number(STANDARD) == STANDARD
    assert check_id_number(STANDARD.lower()) == STANDARD
    assert check_id_number(" 440524188001010014 ") == "440524188001010014"  # check digit 4


@pytest.mark.parametrize("bad", [
    "11010519491231002",  # 17
    "110105194912310021",  # wrong check digit
    "11010519491331002X",  # month 13
    "1101051949123100２X",  # a full-width digit
    "ABCDEFGHIJKLMNOPQR",
    "", None, 110105194912310020,
])
def test_bad_id_numbers_are_refused(bad):
    with pytest.raises(InvalidIdNumberError) as raised:
        check_id_number(bad)
    assert raised.value.code == "invalid_id_number"


def test_every_wrong_check_character_is_refused():
    first17 = "63010219900101123"
    good = check_character(first17)
    for wrong in "0123456789X":
        if wrong != good:
            with pytest.raises(InvalidIdNumberError):
                check_id_number(first17 + wrong)
    assert check_id_number(first17 + good)


def test_the_hash_is_keyed_and_stable():
    number = with_check("63010219900101123")
    assert id_hash(number, "k1") == id_hash(number, "k1")
    assert id_hash(number, "k1") != id_hash(number, "k2")
    assert number not in id_hash(number, "k1") and len(id_hash(number, "k1")) == 64


def test_masked_forms():
    assert mask_id_number("630102199001011234") == "630102********1234"
    assert mask_name("张三") == "张*" and mask_name("欧阳娜娜") == "欧***" and mask_name("王") == "*"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("09708") == "***08"
    assert check_phone("138 1234 5678") == "13812345678" and check_phone("12ab") is None
