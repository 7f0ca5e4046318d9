"""Every kind of update real Telegram sends gets a sensible answer, or a deliberate
silence, and never stops Samen: albums, forwards, replies, dice, polls, venues, video
notes, GIFs, reactions, channel posts, the bot added to a group, commands with the
bot's name, broken start links, app languages Samen does not speak, taps on messages
too old for Telegram to show, and updates PTB cannot read.

Telegram's alone (WhatsApp's own odd deliveries are in test_whatsapp_webhook_odd.py).
Each test ends with the emulator's check that Samen made no request Telegram refuses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.emulator.client import EmulatorClient
from tests.e2e.harness import Person, SamenBot, buttons_of, keyboard_of, text_of

MENU_NL = ["🔒 Privacy", "🌐 Taal", "❓ Hulp"]
CANNOT_LOOK = "geen foto’s of video’s bekijken"
UNSUPPORTED = "Gebruik de knoppen hieronder"
Act = Callable[[Person], Awaitable[object]]


async def _chose_dutch(anna: Person) -> None:
    await anna.say("/start")
    await anna.press(await anna.expect("Kies uw taal"), "✓ Nederlands")
    await anna.expect("Uw privacy")


def sends(kind: str, **fields: object) -> Act:
    return lambda anna: anna.client.send(anna.user_id, kind, **fields)


@pytest.mark.parametrize(
    ("act", "answer"),
    [
        (sends("dice"), UNSUPPORTED),
        (sends("poll"), UNSUPPORTED),
        (sends("animation"), UNSUPPORTED),
        (sends("video_note"), "niet naar spraakberichten luisteren"),
        # A venue is a place: Samen looks for activities near it.
        (sends("venue"), "Ik zoek bij u in de buurt"),
        # Someone else's words, forwarded, or a reply: read like typed text.
        (sends("text", text="Kom je ook koffie drinken?", forwarded_from="Kees"), "Of kies"),
        # Only emoji, no words.
        (sends("text", text="🙂🙂🙂"), "Of kies hieronder"),
    ],
    ids=["dice", "poll", "gif", "video-note", "venue", "forwarded", "emoji-only"],
)
async def test_what_else_a_person_sends(
    samen: SamenBot, anna: Person, act: Act, answer: str
) -> None:
    await _chose_dutch(anna)
    await act(anna)
    reply = await anna.expect(answer)
    last = reply if keyboard_of(reply) else await anna.expect(where=lambda e: bool(keyboard_of(e)))
    assert set(MENU_NL) <= set(keyboard_of(last))


async def test_a_reply_to_samens_message_is_read_as_text(samen: SamenBot, anna: Person) -> None:
    await _chose_dutch(anna)
    message_id = await anna.last_bot_message_id()
    await anna.client.send(anna.user_id, "text", text="Dat is goed", reply_to=message_id)
    await anna.expect("Of kies hieronder")


async def test_an_album_is_answered_once(samen: SamenBot, anna: Person) -> None:
    """Three photos sent at once are three messages to a bot, one album to the person."""
    await _chose_dutch(anna)
    for _ in range(3):
        await anna.client.send(anna.user_id, "photo", media_group_id="13571113")
    await anna.expect(CANNOT_LOOK)
    await anna.expect("Of kies hieronder")
    await anna.expect_silence(1.5)
    await anna.client.send(anna.user_id, "photo", media_group_id="24681012")  # another album
    await anna.expect(CANNOT_LOOK)


@pytest.mark.parametrize("command", ["/start@samen_test_bot", "/START", "/help@samen_test_bot"])
async def test_commands_with_the_bots_name(samen: SamenBot, anna: Person, command: str) -> None:
    await anna.say(command)
    await anna.expect("Hoe Samen werkt" if "help" in command else "Kies uw taal")


@pytest.mark.parametrize(
    "payload",
    ["x" * 64, "inv_", "inv_!!", "../../etc/passwd", "%00", "link_", "ec_0", "🙂", "a b c"],
)
async def test_broken_start_links_start_as_usual(
    samen: SamenBot, anna: Person, payload: str
) -> None:
    await anna.say(f"/start {payload}")
    await anna.expect("Kies uw taal")
    assert await samen.query("SELECT count(*) FROM residents") == [(0,)]


@pytest.mark.parametrize("language", [None, "xx", "zh-hans", "pt-br"])
async def test_an_app_language_samen_does_not_speak(
    samen: SamenBot, client: EmulatorClient, language: str | None
) -> None:
    """No language (Telegram leaves it out), or one Samen does not speak: the default."""
    someone = await Person(client, 700_000_042, "Mo", language).join()
    await someone.say("/start")
    choice = await someone.expect("Kies uw taal")
    assert "✓ Nederlands" in buttons_of(choice)


async def test_a_tap_on_a_message_too_old_to_show_is_answered_below(
    samen: SamenBot, anna: Person
) -> None:
    """Telegram sends a message older than it shows the bot as a Message dated 0,
    without its text: the answer is a new message, where the person looks."""
    await anna.say("/start")
    languages = await anna.expect("Kies uw taal")
    await anna.client.press(
        anna.user_id, languages["message_id"], button_text="✓ Nederlands", inaccessible=True
    )
    welcome = await anna.expect("Welkom bij Samen")  # else it replaces the old message
    assert welcome["message_id"] > languages["message_id"] and not welcome["edited"]
    await anna.expect("Uw privacy")


async def test_reactions_and_channel_posts_get_no_answer(
    samen: SamenBot, anna: Person, client: EmulatorClient
) -> None:
    await _chose_dutch(anna)
    await client.react(anna.user_id, await anna.last_bot_message_id(), "❤")
    channel = -1_000_000_000_077
    await client.add_channel(channel, "Nieuws uit Heemstede")
    await client.channel_post(channel, "/start")
    await anna.expect_silence(1.0)
    assert [e for e in await client.transcript(channel) if e["direction"] == "out"] == []
    await anna.say("/help")  # and Samen still listens
    await anna.expect("Hoe Samen werkt")


async def test_a_group_that_adds_samen_hears_once_where_to_write(
    samen: SamenBot, anna: Person, client: EmulatorClient
) -> None:
    group = -1_001_235
    await client.add_group(group, "Buurtapp")
    await client.add_bot_to_group(anna.user_id, group)
    notice = await client.wait_for(group, after=0)
    assert "privégesprek" in (notice.get("text") or "") and "@samen_test_bot" in text_of(notice)
    await client.send_text(anna.user_id, "Welkom Samen!", chat_id=group)
    with pytest.raises(TimeoutError):
        await client.wait_for(group, after=int(notice["seq"]), timeout=1.5)


async def test_an_update_ptb_cannot_read_is_skipped(samen: SamenBot, anna: Person) -> None:
    """A poll in an older Bot API's shape: PTB 22.8 cannot read it. PTB's polling would
    fetch it again for ever (and log it whole); Samen skips it and keeps listening."""
    await _chose_dutch(anna)
    await anna.client.send(anna.user_id, "poll", older_api=True)
    await anna.say("/help")
    await anna.expect("Hoe Samen werkt")


async def test_a_tap_whose_step_fails_is_answered_once(
    samen: SamenBot, anna: Person, client: EmulatorClient
) -> None:
    """The step answered the tap, then Telegram failed it (502): the error handler tells
    the person, and must not answer the tap a second time (Telegram refuses that)."""
    await anna.say("/start")
    languages = await anna.expect("Kies uw taal")
    # Seed 1: the first send or edit fails with a 502, the next one gets through.
    await client.configure(fault_5xx=0.5, seed=1)
    await anna.press(languages, "✓ Nederlands")
    await anna.expect_toast()
    await anna.expect("er ging bij ons iets mis")
    await client.configure(fault_5xx=0.0)
    await anna.press(languages, "✓ Nederlands")
    await anna.expect("Uw privacy")
