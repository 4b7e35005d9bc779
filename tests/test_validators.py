"""Unit tests of cases/validators.py: resident ID numbers (GB 11643-1999), unified social credit codes
(GB 32100-2015), phone numbers, and the masking of ID numbers in lists.

Valid examples are published ones, or are built here by a small implementation written from the standards'
definitions (ISO 7064 MOD 11-2 for GB 11643; the weighted sum modulo 31 over the 31-character set for
GB 32100) that does not share the validators' tables. That implementation is first checked against the
published examples.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.validators import (
    credit_code_ok,
    mask_id,
    resident_id_ok,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)

# --------------------------------------------------------------------------------------------------
# Independent implementations, from the definitions
# --------------------------------------------------------------------------------------------------


def mod11_2_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 (GB 11643 §5.2): the weight of the i-th character from the right is 2^(i-1) mod 11;
    the check character (i = 1, value 10 written X) makes the weighted sum ≡ 1 (mod 11)."""
    partial = sum(int(ch) * pow(2, 17 - k, 11) for k, ch in enumerate(first17))
    check = (1 - partial) % 11
    return "X" if check == 10 else str(check)


def resident_id(first17: str) -> str:
    return first17 + mod11_2_check(first17)


# GB 32100 Table: 0–9 then the capital letters without I, O, Z, S, V (values 10–30).
GB32100_CHARS = "0123456789" + "".join(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in "IOZSV")


def gb32100_check(first17: str) -> str:
    """GB 32100 §4.3: weights W_i = 3^(i-1) mod 31; C18 = 31 − (Σ C_i·W_i mod 31), 31 written as 0."""
    total = sum(GB32100_CHARS.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    return GB32100_CHARS[(31 - total % 31) % 31]


def credit_code(first17: str) -> str:
    return first17 + gb32100_check(first17)


PUBLISHED_IDS = [
    "11010519491231002X",  # GB 11643-1999, example of 北京市朝阳区
    "440524188001010014",  # GB 11643-1999, example of 广东省汕头市潮阳县 (born 1880)
]
PUBLISHED_CREDIT_CODES = [
    "91350100M000100Y43",  # the GB 32100 example code
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "914403001922038216",  # 华为技术有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
]


def test_the_independent_implementations_reproduce_the_published_examples():
    assert len(GB32100_CHARS) == 31
    for example in PUBLISHED_IDS:
        assert resident_id(example[:17]) == example
    for example in PUBLISHED_CREDIT_CODES:
        assert credit_code(example[:17]) == example


# --------------------------------------------------------------------------------------------------
# Resident ID numbers (GB 11643)
# --------------------------------------------------------------------------------------------------

CONSTRUCTED_IDS = [
    resident_id("44030419900307123"),  # 深圳市福田区, 1990-03-07
    resident_id("32010219850815004"),  # 南京市玄武区, 1985-08-15
    resident_id("41042119720101561"),  # 宝丰县, 1972-01-01
    resident_id("51010720000229001"),  # a 29 February of a leap year
    resident_id("65010219991231999"),
]


@pytest.mark.parametrize("value", ["11010519491231002X", *CONSTRUCTED_IDS])
def test_valid_resident_ids(value):
    assert resident_id_ok(value)
    validate_resident_id(value)  # does not raise


def test_constructed_ids_cover_the_check_character_x_and_digits():
    checks = {value[-1] for value in CONSTRUCTED_IDS + ["11010519491231002X"]}
    assert "X" in checks and checks - {"X"}


def test_a_lower_case_x_is_accepted():
    assert resident_id_ok("11010519491231002x")


def test_every_wrong_check_character_is_refused():
    body = "11010519491231002"
    for check in "0123456789X":
        assert resident_id_ok(body + check) is (check == "X"), check


def test_every_single_digit_error_is_caught():
    valid = "11010519491231002X"
    for position in range(17):
        for digit in "0123456789":
            if digit != valid[position]:
                changed = valid[:position] + digit + valid[position + 1:]
                assert not resident_id_ok(changed), changed


def test_adjacent_transpositions_are_caught():
    valid = resident_id("44030419900307123")
    for position in range(16):
        a, b = valid[position], valid[position + 1]
        if a != b:
            swapped = valid[:position] + b + a + valid[position + 2:]
            assert not resident_id_ok(swapped), swapped


@pytest.mark.parametrize("first17", [
    "11010519491331002",  # month 13
    "11010519490001002",  # month 00
    "11010519490132002",  # 32 January
    "11010519490230002",  # 30 February
    "11010519000229002",  # 1900 was no leap year
    "11010520230229002",  # nor was 2023
    "11010519490100002",  # day 00
])
def test_impossible_birth_dates_are_refused_even_with_a_right_check_digit(first17):
    value = resident_id(first17)
    assert not resident_id_ok(value)
    with pytest.raises(ValidationError):
        validate_resident_id(value)


@pytest.mark.clock
def test_a_birth_date_in_the_future_is_refused():
    future = datetime.date.today() + datetime.timedelta(days=400)
    value = resident_id(f"110105{future:%Y%m%d}002")
    assert not resident_id_ok(value)


@pytest.mark.parametrize("value", [
    "",
    "11010519491231002",  # 17 characters
    "11010519491231002X0",  # 19
    "110105491231002",  # a 15-digit first-generation number has no check digit
    "1101051949123100XX",  # X only as the check character
    "X10105194912310020",
    "11010519491231O02X",  # letter O for zero
    "1101051949-231002X",
    "".join(chr(ord(c) + 0xFEE0) for c in resident_id("32010219850815004")),  # full-width digits
])
def test_malformed_resident_ids_are_refused(value):
    assert not resident_id_ok(value)
    with pytest.raises(ValidationError):
        validate_resident_id(value)


# --------------------------------------------------------------------------------------------------
# Unified social credit codes (GB 32100)
# --------------------------------------------------------------------------------------------------

CONSTRUCTED_CODES = [
    credit_code("91320102MA1N2B3C4"),
    credit_code("12410421MB1234567"),  # 事业单位
    credit_code("52410421MJ0000001"),  # 社会组织
    credit_code("92410421MA9ABCDEF"),  # 个体工商户
]


@pytest.mark.parametrize("value", PUBLISHED_CREDIT_CODES + CONSTRUCTED_CODES)
def test_valid_credit_codes(value):
    assert credit_code_ok(value)
    validate_credit_code(value)  # does not raise


def test_a_lower_case_credit_code_is_accepted():
    assert credit_code_ok("91350100m000100y43")


def test_every_wrong_check_character_of_a_credit_code_is_refused():
    body = "91350100M000100Y4"
    for check in GB32100_CHARS:
        assert credit_code_ok(body + check) is (check == "3"), check


def test_every_single_character_error_in_a_credit_code_is_caught():
    valid = "9144030071526726XG"
    for position in range(17):
        for ch in GB32100_CHARS:
            if ch != valid[position]:
                changed = valid[:position] + ch + valid[position + 1:]
                assert not credit_code_ok(changed), changed


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_the_letters_i_o_z_s_v_are_never_used(letter):
    valid = "91350100M000100Y43"
    assert not credit_code_ok(valid[:8] + letter + valid[9:])  # in the body
    assert not credit_code_ok(valid[:17] + letter)  # as the check character
    with pytest.raises(ValidationError):
        validate_credit_code(valid[:8] + letter + valid[9:])


@pytest.mark.parametrize("value", ["", "91350100M000100Y4", "91350100M000100Y430", "91350100-000100Y43",
                                   "11010519491231002X"])
def test_malformed_credit_codes_are_refused(value):
    assert not credit_code_ok(value)
    with pytest.raises(ValidationError):
        validate_credit_code(value)


# --------------------------------------------------------------------------------------------------
# Phones
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["13800138000", "15912345678", "16612345678", "19912345678", "0375-1234567",
                                   "010-12345678", "01012345678", "0755-87654321", ""])
def test_valid_phones(value):
    validate_phone(value)  # does not raise


@pytest.mark.parametrize("value", ["12345678901", "1380013800", "138001380001", "23800138000", "phone",
                                   "1380013800a", "138 0013 8000", "0375-123456", "375-1234567", "0375-123456789"])
def test_invalid_phones(value):
    with pytest.raises(ValidationError):
        validate_phone(value)


# --------------------------------------------------------------------------------------------------
# Masking
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "masked"), [
    ("11010519491231002X", "110105********002X"),
    ("91350100M000100Y43", "913501********0Y43"),
    ("12345678901", "123456*8901"),
    ("1234567890", "**********"),
    ("123", "***"),
    ("", ""),
    (None, ""),
])
def test_mask_id(value, masked):
    assert mask_id(value) == masked


def test_mask_hides_the_date_of_birth():
    masked = mask_id("11010519491231002X")
    assert len(masked) == 18 and "19491231" not in masked
