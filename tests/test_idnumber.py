"""Resident ID numbers (GB 11643-1999): validation, sex and age, and masking for screens."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kiosk.domain.idnumber import (
    InvalidIdNumber,
    check_character,
    mask_id,
    mask_name,
    mask_phone,
    parse_id_number,
)

# The two examples printed in the standard.
STANDARD_EXAMPLES = ("11010519491231002X", "440524188001010014")

_fast = hsettings(database=None, deadline=None)


def _oracle_valid(number: str) -> bool:
    """ISO 7064 MOD 11-2 written out from the standard, independent of the code under test:
    sum(a_i * 2^(17-i)) over all 18 characters (X = 10) is 1 modulo 11."""
    values = [10 if c == "X" else int(c) for c in number]
    return sum(v * pow(2, 17 - i) for i, v in enumerate(values)) % 11 == 1


def _with_check(first17: str) -> str:
    return first17 + check_character(first17)


def _reason(text: str) -> str:
    with pytest.raises(InvalidIdNumber) as info:
        parse_id_number(text)
    return info.value.reason


def _date_is_acceptable(number: str) -> bool:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return born.year >= 1880


first17s = st.builds(
    lambda area, born, seq: f"{area}{born:%Y%m%d}{seq}",
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.dates(min_value=date(1880, 1, 1), max_value=date(2099, 12, 31)),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)


# --- the standard's examples -------------------------------------------------------

@pytest.mark.parametrize("number", STANDARD_EXAMPLES)
def test_the_standards_examples_are_valid(number):
    parsed = parse_id_number(number)
    assert parsed.value == number
    assert _oracle_valid(number)


def test_the_standards_examples_read_birth_date_and_sex():
    woman = parse_id_number("11010519491231002X")
    assert woman.birth_date == date(1949, 12, 31)
    assert woman.sex == "F"
    man = parse_id_number("440524188001010014")
    assert man.birth_date == date(1880, 1, 1)
    assert man.sex == "M"


def test_check_character_of_the_examples():
    assert check_character("11010519491231002") == "X"
    assert check_character("44052418800101001") == "4"


# --- properties ---------------------------------------------------------------------

@_fast
@given(first17s)
def test_any_17_digits_with_a_valid_birth_date_get_a_check_char_that_parses(first17):
    number = _with_check(first17)
    assert _oracle_valid(number)
    parsed = parse_id_number(number)
    assert parsed.value == number
    assert parsed.birth_date.strftime("%Y%m%d") == first17[6:14]


@_fast
@given(first17s, st.integers(min_value=0, max_value=17), st.data())
def test_every_single_character_substitution_is_refused(first17, position, data):
    number = _with_check(first17)
    allowed = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in allowed if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1:]

    reason = _reason(changed)

    if _date_is_acceptable(changed):
        # MOD 11-2 always detects a single substitution.
        assert reason == "checksum"
    else:
        assert reason == "birth_date"


@_fast
@given(first17s)
def test_repr_and_str_never_show_the_full_number(first17):
    parsed = parse_id_number(_with_check(first17))
    for shown in (repr(parsed), str(parsed), f"{parsed}", repr([parsed])):
        assert parsed.value not in shown
        assert parsed.value[4:14] not in shown  # area tail and the birth date stay hidden
        assert parsed.masked in shown


# --- refusals with a reason the UI can translate ----------------------------------

@pytest.mark.parametrize("text", [
    "",
    "11010519491231002",      # 17
    "11010519491231002X0",    # 19
    "110105194912310",        # 15-digit old-style number
])
def test_wrong_length(text):
    assert _reason(text) == "length"


@pytest.mark.parametrize("text", [
    "11010519491231002Y",
    "1101051949123100X2",     # X only allowed last
    "11010A19491231002X",
    "11010519491231 02X",
    "１１０１０５１９４９１２３１００２X",  # full-width digits
])
def test_wrong_characters(text):
    assert _reason(text) == "characters"


@pytest.mark.parametrize("first14", [
    "11010519491331",  # month 13
    "11010519490230",  # 30 February
    "11010519490100",  # day 0
    "11010518791231",  # before 1880
    "11010520230229",  # 2023 is not a leap year
])
def test_impossible_birth_date(first14):
    first17 = first14 + "002"
    # even with the right check character, the date is refused
    assert _reason(_with_check(first17)) == "birth_date"


def test_leap_day_birth_date_is_valid():
    assert parse_id_number(_with_check("11010520240229002")).birth_date == date(2024, 2, 29)


def test_wrong_check_character():
    assert _reason("110105194912310021") == "checksum"
    assert _reason("440524188001010015") == "checksum"
    assert _reason("44052418800101001X") == "checksum"


def test_invalid_id_number_is_a_value_error():
    with pytest.raises(ValueError):
        parse_id_number("abc")


def test_lower_case_x_and_surrounding_spaces_accepted():
    parsed = parse_id_number("  11010519491231002x\n")
    assert parsed.value == "11010519491231002X"


# --- sex and age --------------------------------------------------------------------

def test_sex_from_the_17th_digit():
    assert parse_id_number(_with_check("35020319900101123")).sex == "M"
    assert parse_id_number(_with_check("35020319900101124")).sex == "F"


def test_age_on_a_date():
    """周岁 grow on the birthday itself (issue 11's rule; kiosk/domain/age.py)."""
    woman = parse_id_number("11010519491231002X")
    assert woman.age_on(date(2026, 12, 30)) == 76
    assert woman.age_on(date(2026, 12, 31)) == 77  # the 77th birthday
    assert woman.age_on(date(2027, 1, 1)) == 77


def test_a_child_is_a_minor():
    child = parse_id_number(_with_check("35020320150601002"))
    assert child.is_minor_on(date(2026, 5, 1))
    assert child.age_on(date(2026, 5, 1)) == 10


def test_eighteenth_birthday_boundary():
    teen = parse_id_number(_with_check("35020320080315002"))
    assert teen.age_on(date(2026, 3, 14)) == 17  # the day before: still a minor until 24:00
    assert teen.is_minor_on(date(2026, 3, 14))
    assert teen.age_on(date(2026, 3, 15)) == 18  # the 18th birthday itself: an adult from 00:00
    assert not teen.is_minor_on(date(2026, 3, 15))
    assert teen.age_on(date(2026, 3, 16)) == 18
    assert not teen.is_minor_on(date(2026, 3, 16))


# --- masking for screens, receipts and logs ------------------------------------------

def test_mask_id_shows_first_four_and_last_four():
    assert mask_id("350203199001011234") == "3502**********1234"


def test_id_number_masked_property_and_repr():
    parsed = parse_id_number("11010519491231002X")
    assert parsed.masked == "1101**********002X"
    assert repr(parsed) == "IdNumber('1101**********002X')"
    assert "19491231" not in repr(parsed)


def test_id_number_hidden_in_error_messages():
    parsed = parse_id_number("440524188001010014")
    message = f"patient {parsed} not found"
    assert "440524188001010014" not in message
    assert "4405**********0014" in message


def test_mask_id_short_values_fully_hidden():
    assert mask_id("12345678") == "********"
    assert mask_id("") == ""


@pytest.mark.parametrize("name, masked", [
    ("张", "张"),
    ("张三", "张*"),
    ("李小明", "李*明"),
    ("欧阳娜娜", "欧**娜"),
])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"


def test_mask_phone_of_unexpected_length_hides_everything():
    assert mask_phone("0592123456") == "**********"
    assert mask_phone("") == ""


def test_a_birth_date_after_today_is_refused_when_today_is_known():
    from kiosk.domain.idnumber import check_character

    first17 = "35020320300101001"  # born 2030-01-01
    number = first17 + check_character(first17)
    assert parse_id_number(number).birth_date == date(2030, 1, 1)  # well-formed as such
    with pytest.raises(InvalidIdNumber) as refused:
        parse_id_number(number, today=date(2026, 11, 25))
    assert refused.value.reason == "birth_date"


# --- what the desk marks in a typed number that was refused ---------------------------

def _single_digit_fixes(number: str) -> set[int]:
    """The positions (0-based) where one other character makes ``number`` agree with MOD 11-2,
    found with the standard's formula (``_oracle_valid``), not the code under test."""
    fixes = set()
    for position in range(18):
        allowed = "0123456789X" if position == 17 else "0123456789"
        for char in allowed:
            if char != number[position] and _oracle_valid(number[:position] + char + number[position + 1:]):
                fixes.add(position)
    return fixes


@pytest.mark.parametrize("typed, typo_at", [
    ("110105194912310021", 17),  # the standard's example, its check character mistyped
    ("11010619491231002X", 5),   # the same number, its 6th digit mistyped (5 -> 6)
    ("440524188001020014", 13),  # the other example, a digit of the birth date mistyped (1 -> 2)
])
def test_a_check_digit_error_marks_the_check_character_since_no_digit_can_be_named(typed, typo_at):
    """MOD 11-2 says the 18 characters disagree, not where: one other digit at nearly every position
    would make them agree, the typo's among them, so the desk marks the check character and asks
    for every digit to be compared with the card (it never offers the 'right' check character:
    that would make a mistyped number valid, someone else's)."""
    from kiosk.domain.idnumber import suspect_span

    assert _reason(typed) == "checksum"
    fixes = _single_digit_fixes(typed)
    assert typo_at in fixes and 17 in fixes
    assert len(fixes - {17}) >= 10  # a digit named among the first 17 would be a guess
    assert suspect_span(typed, "checksum") == (17, 1)


def test_other_refusals_mark_where_to_look():
    from kiosk.domain.idnumber import suspect_span

    bad_date = _with_check("11010519491331002")  # month 13
    assert _reason(bad_date) == "birth_date" and suspect_span(bad_date, "birth_date") == (6, 8)
    assert bad_date[6:14] == "19491331"
    assert suspect_span("1101051949X231002X", "characters") == (10, 1)  # X only allowed last
    assert suspect_span("11010519491231002", "length") == (17, 0)  # the place of the missing 18th
