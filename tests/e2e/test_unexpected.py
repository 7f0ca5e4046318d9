"""Anything unexpected gets a kind answer and the menu; groups hear from Samen once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.emulator.client import EmulatorClient
from tests.e2e.harness import Person, SamenBot, keyboard_of, text_of
from tests.e2e.test_mydata import onboard

MENU_NL = ["🔒 Privacy", "🌐 Taal", "❓ Hulp"]


async def _answered_with_menu(anna: Person, contains: str) -> None:
    answer = await anna.expect(contains)
    assert set(MENU_NL) <= set(keyboard_of(answer))


@pytest.mark.parametrize(
    ("act", "answer"),
    [
        # Typed words are read for their meaning (handlers.listen); nothing matched: the
        # offer of a call, then the menu.
        (lambda a: a.say("De maan is vannacht erg mooi"), "Of kies hieronder"),
        (lambda a: a.say("x" * 4096), "Of kies hieronder"),
        (lambda a: a.say("/doesnotexist"), "Dat commando ken ik niet"),
        (lambda a: a.client.send_sticker(a.user_id), "geen foto’s of stickers"),
        (lambda a: a.client.send_voice(a.user_id), "Of kies hieronder"),
        (lambda a: a.client.send_photo(a.user_id, caption="kijk"), "Of kies hieronder"),
        (lambda a: a.client.send_document(a.user_id), "Gebruik de knoppen"),
        # A location is never unexpected: it looks for activities nearby (issue 3).
        (lambda a: a.client.send_location(a.user_id), "Ik zoek bij u in de buurt"),
        (lambda a: a.client.send_contact(a.user_id, "+31612345678"), "nummer niet bewaard"),
    ],
    ids=[
        "text",
        "long-text",
        "unknown-command",
        "sticker",
        "voice",
        "photo",
        "document",
        "location",
        "contact",
    ],
)
async def test_unexpected_messages(
    samen: SamenBot, anna: Person, act: Callable[[Person], Awaitable[object]], answer: str
) -> None:
    await act(anna)
    await _answered_with_menu(anna, answer)


async def test_a_contact_outside_a_conversation(
    samen: SamenBot, john: Person, client: EmulatorClient
) -> None:
    """Not "I cannot look at photos": where a number is used, and nothing is stored."""
    await onboard(john, "✓ English", "✅ I agree")
    await client.send_contact(john.user_id, "+31612345678", contact_user_id=john.user_id)
    answer = await john.expect("I only use a phone number when you ask for a call")
    assert "“📞 Call me”" in text_of(answer) and "📞 Call me" in keyboard_of(answer)
    assert "photos" not in text_of(answer)
    assert await samen.query("SELECT count(*) FROM call_requests") == [(0,)]


async def test_edited_message(samen: SamenBot, anna: Person, client: EmulatorClient) -> None:
    await anna.say("/help")
    await anna.expect("Hoe Samen werkt")
    sent = await client.send_text(anna.user_id, "hallo")
    await anna.expect("Fijn dat u schrijft")
    await client.edit_message(anna.user_id, sent["message_id"], "hallo daar")
    await _answered_with_menu(anna, "U hebt een bericht veranderd")


@pytest.mark.parametrize(
    "data", ["consent:yes:de", "my:delete_all_users", "erase:yes", "lang:xx", "🙂", "a" * 64]
)
async def test_forged_or_stale_buttons(
    samen: SamenBot, anna: Person, client: EmulatorClient, data: str
) -> None:
    await anna.say("/start")
    choice = await anna.expect("Kies uw taal")
    message_id = choice.get("message_id")
    assert message_id is not None
    await client.press(anna.user_id, message_id, callback_data=data, forge=True)
    await anna.expect_toast("Deze knop werkt niet meer.")
    await _answered_with_menu(anna, "Die knop werkt niet meer.")
    assert await samen.query("SELECT count(*) FROM residents") == [(0,)]


async def test_my_data_buttons_do_nothing_without_consent(
    samen: SamenBot, anna: Person, client: EmulatorClient
) -> None:
    await anna.say("/start")
    choice = await anna.expect("Kies uw taal")
    message_id = choice.get("message_id")
    assert message_id is not None
    await client.press(anna.user_id, message_id, callback_data="my:export", forge=True)
    await anna.expect("Die knop werkt niet meer.")


async def test_group_hears_once_then_silence(
    samen: SamenBot, anna: Person, client: EmulatorClient
) -> None:
    group = -1_001_234
    await client.add_group(group, "Koffieclub")
    seq = await client.last_seq(group)
    await client.send_text(anna.user_id, "/start", chat_id=group)
    notice = await client.wait_for(group, after=seq)
    assert "privégesprek" in (notice.get("text") or "")
    assert "@" in (notice.get("text") or "")
    await client.send_text(anna.user_id, "Hallo allemaal", chat_id=group)
    await client.send_sticker(anna.user_id, chat_id=group)
    with pytest.raises(TimeoutError):
        await client.wait_for(group, after=int(notice["seq"]), timeout=1.5)
    await anna.expect_silence(0.2)  # nothing leaks into the private chat either
