from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.buttons import MAX_BYTES, Prefix, decode, encode, matches


def test_round_trip() -> None:
    data = encode(Prefix.CONSENT, "yes", "nl")
    assert data == "consent:yes:nl"
    assert decode(data) == (Prefix.CONSENT, ("yes", "nl"))
    assert matches(Prefix.CONSENT)(data)
    assert not matches(Prefix.LANGUAGE)(data)


@pytest.mark.parametrize(
    "forged",
    [
        "",
        "consent",
        "consent:",
        "consent:yes",
        "consent:yes:de",
        "consent:yes:nl:x",
        "lang:NL",
        "lang:nl ",
        "my:delete_all",
        "erase:YES",
        "unknown:1",
        "x" * 65,
        None,
        42,
    ],
)
def test_forged_data_is_refused(forged: object) -> None:
    assert decode(forged) is None


def test_encode_refuses_what_decode_would_refuse() -> None:
    with pytest.raises(ValueError):
        encode(Prefix.LANGUAGE, "fr")


@given(st.text(max_size=200))
def test_decode_never_crashes_and_accepts_only_short_known_data(data: str) -> None:
    decoded = decode(data)
    if decoded is not None:
        assert len(data.encode()) <= MAX_BYTES
        prefix, args = decoded
        assert encode(prefix, *args) == data


def test_availability_data_is_whole_or_refused() -> None:
    assert decode("avl:hours:31:morning") == (Prefix.AVAILABILITY, ("hours:31:morning",))
    assert decode("avl:days:96") == (Prefix.AVAILABILITY, ("days:96",))
    for forged in ("avl:hours:31", "avl:days", "avl:show:31", "avl:days:5", "avl:hours:31:night"):
        assert decode(forged) is None


def test_the_codec_checks_a_service_word_by_its_shape_only() -> None:
    """The codec knows no service: any lower-case word fits where a kind or a field goes
    (the journey reading it checks the word itself), anything else is refused."""
    assert decode("af:p2101:games:a:0") == (Prefix.ACT_FILTERS, ("p2101", "games", "a", "0"))
    assert decode("af:p2101:nosuchkind:a:0") is not None
    assert decode("aef:7:title_nl") == (Prefix.ACT_EDIT_FIELD, ("7", "title_nl"))
    for forged in ("af:p2101:Games:a:0", "af:p2101:ga-mes:a:0", "aef:7:x" + "y" * 20, "aef:7:"):
        assert decode(forged) is None
