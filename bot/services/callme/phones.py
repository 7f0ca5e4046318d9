"""Phone numbers people give Samen: which ones volunteers may call, and how to show them.

Only numbers a person answers (mobile, fixed line, VoIP) in the regions of
SAMEN_CALL_REGIONS are accepted; paid, free, shared-cost and service numbers are
refused with the reason, so nobody can make volunteers call a premium line.
"""

from __future__ import annotations

from enum import StrEnum

import phonenumbers

_MAX_PHONE_INPUT = 40


class PhoneProblem(StrEnum):
    """Why a number is refused; the handlers tell the person in these words."""

    NOT_A_NUMBER = "not_a_number"
    PAID = "paid"  # premium-rate or shared-cost: calling it costs money per minute
    NOT_A_PERSON = "not_a_person"  # free, company, pager, personal-number services
    OTHER_COUNTRY = "other_country"  # not in SAMEN_CALL_REGIONS


class PhoneRefused(Exception):
    def __init__(self, problem: PhoneProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


_T = phonenumbers.PhoneNumberType
# Numbers a person answers. VOIP is included: Dutch 085 and 091 numbers are ordinary
# (home and office) lines at the normal rate.
CALLABLE_TYPES = frozenset({_T.MOBILE, _T.FIXED_LINE, _T.FIXED_LINE_OR_MOBILE, _T.VOIP})
PAID_TYPES = frozenset({_T.PREMIUM_RATE, _T.SHARED_COST})


def callable_phone(text: str, regions: tuple[str, ...] = ("NL",)) -> str:
    """A number volunteers may call, in E.164 (+31612345678); else ``PhoneRefused``.

    Numbers of the first region may be typed as people write them (06-1234 5678,
    023 ...); others need their country code (+32 ..., 0032 ...). Only numbers a
    person answers, in one of ``regions``: never 0900 (paid), 0800, 088 or pagers.
    """
    if not text or len(text) > _MAX_PHONE_INPUT:
        raise PhoneRefused(PhoneProblem.NOT_A_NUMBER)
    try:
        number = phonenumbers.parse(text, regions[0])
    except phonenumbers.NumberParseException:
        raise PhoneRefused(PhoneProblem.NOT_A_NUMBER) from None
    if not phonenumbers.is_valid_number(number):
        raise PhoneRefused(PhoneProblem.NOT_A_NUMBER)
    kind = phonenumbers.number_type(number)
    if kind in PAID_TYPES:
        raise PhoneRefused(PhoneProblem.PAID)
    if kind not in CALLABLE_TYPES:
        raise PhoneRefused(PhoneProblem.NOT_A_PERSON)
    if phonenumbers.region_code_for_number(number) not in regions:
        raise PhoneRefused(PhoneProblem.OTHER_COUNTRY)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def normalise_phone(text: str, regions: tuple[str, ...] = ("NL",)) -> str | None:
    """``callable_phone``, with None for any refusal (where the reason is not told)."""
    try:
        return callable_phone(text, regions)
    except PhoneRefused:
        return None


def contact_phone(raw: str, regions: tuple[str, ...] = ("NL",)) -> str:
    """Telegram sends a shared contact's number with or without '+'; it is international."""
    raw = raw.strip()
    return callable_phone(raw if raw.startswith("+") else "+" + raw, regions)


def display_phone(e164: str) -> str:
    """Easy to read out and to tap: Dutch numbers the Dutch way, others internationally.

    +31612345601 -> '06 12 34 56 01', +31231234567 -> '023 123 45 67' (NEN 1775:
    the area code, then pairs from the end); +32470123456 -> '+32 470 12 34 56'.
    """
    number = phonenumbers.parse(e164, None)
    if phonenumbers.region_code_for_number(number) != "NL":
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
    area, *rest = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL).split(
        " "
    )
    digits = "".join(rest)
    head = 3 if len(digits) % 2 else 0
    groups = [digits[:head]] if head else []
    groups += [digits[i : i + 2] for i in range(head, len(digits), 2)]
    return " ".join([area, *groups])
