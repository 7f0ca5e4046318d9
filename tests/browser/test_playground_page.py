"""The playground page in a real browser: people chat with the real bot through it."""

from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import aiohttp
from playwright.async_api import Locator, Page, expect

from bot.playground import ANNA, COEN, Playground
from tests.browser.conftest import Shoot


def phone(page: Page, key: str) -> Locator:
    return page.locator(f'[data-person="{key}"]')


def button(where: Locator, name: str) -> Locator:
    return where.get_by_role("button", name=name, exact=True)


def bot_says(where: Locator, text: str) -> Locator:
    return where.locator(".msg.from-bot", has_text=text)


async def onboard(where: Locator, language: str, agree: str, done: str) -> None:
    await button(where, "Start").click()
    await button(where, language).click()
    await button(where, agree).click()
    await expect(bot_says(where, done)).to_be_visible()


async def test_a_resident_onboards_uses_the_menu_and_gets_her_data(
    page: Page, shoot: Shoot, playground: Playground, tmp_path: Path
) -> None:
    anna, john = phone(page, "anna"), phone(page, "john")
    await expect(anna.locator(".role")).to_have_text("Resident · Nederlands")
    await expect(phone(page, "fatima").locator(".role")).to_have_text("Volunteer · Nederlands")
    await expect(phone(page, "coen").locator(".role")).to_have_text("Coordinator · Nederlands")
    await expect(anna.get_by_text("Anna has not talked to Samen yet.")).to_be_visible()
    await shoot("start")

    await button(anna, "Start").click()
    await expect(anna.locator(".msg.from-person")).to_have_text(re.compile(r"^/start"))
    choice = bot_says(anna, "Kies uw taal · Choose your language")
    await expect(choice).to_be_visible()
    message_id = await choice.get_attribute("data-message-id")
    await button(choice, "✓ Nederlands").click()

    # The language question is edited into the welcome, in place: same message, new text.
    welcome = anna.locator(f'.msg[data-message-id="{message_id}"]')
    await expect(welcome).to_contain_text("Welkom bij Samen!")
    await expect(welcome.locator(".edited")).to_be_visible()
    await expect(welcome.locator("strong")).to_have_text("Welkom bij Samen!")
    await expect(bot_says(anna, "Kies uw taal")).to_have_count(0)

    notice = bot_says(anna, "Uw privacy")
    await expect(notice.locator("strong").first).to_have_text("Uw privacy")
    await button(notice, "✅ Ik ga akkoord").click()
    await expect(bot_says(anna, "Dank u wel! Alles is klaar.")).to_be_visible()
    menu = anna.locator(".keyboard")
    await expect(button(menu, "📋 Mijn gegevens")).to_be_visible()
    placeholder = "Typ een paar woorden of tik op een knop"
    await expect(anna.locator(".text")).to_have_attribute("placeholder", placeholder)
    await shoot("onboarded")

    await button(menu, "📋 Mijn gegevens").click()
    first = bot_says(anna, "Wat Samen over u bewaart")
    await expect(first).to_contain_text("Voornaam: Anna")
    overview = anna.locator(
        f'.msg[data-message-id="{await first.get_attribute("data-message-id")}"]'
    )
    await expect(overview).to_contain_text("Berichten van Samen: aan")
    await button(overview, "📄 Stuur mij mijn gegevens").click()
    # A document to read in her language, and the machine-readable file beside it.
    files = anna.locator(".msg.from-bot .file")
    await expect(files.first.locator(".file-name")).to_have_text("samen-mijn-gegevens.txt")
    export = files.last
    await expect(export.locator(".file-name")).to_have_text("samen-my-data.json")
    async with page.expect_download() as downloading:
        await export.locator("a.download").click()
    download = await downloading.value
    assert download.suggested_filename == "samen-my-data.json"
    saved = tmp_path / "export.json"
    await download.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["telegram_id"] == ANNA.user_id
    assert data["residents"][0]["first_name"] == "Anna"

    await button(overview, "🔕 Stop alle berichten").click()
    await expect(overview).to_contain_text("Alle berichten stoppen?")  # it asks first
    await button(overview, "🔕 Ja, stop alle berichten").click()
    await expect(anna.locator(".toast", has_text="Berichten gestopt")).to_be_visible()
    await expect(overview).to_contain_text("Berichten van Samen: gestopt")  # edited in place
    await expect(bot_says(anna, "Berichten van Samen:")).to_have_count(1)
    await shoot("my-data")

    assert playground.runtime is not None
    rows = await playground.runtime.db.fetchall(
        "SELECT status FROM residents WHERE telegram_id = ?", (ANNA.user_id,)
    )
    assert [r["status"] for r in rows] == ["stopped"]
    await expect(john.locator(".msg")).to_have_count(0)  # the others' chats are their own


async def test_typing_locations_and_contacts_arrive_as_sent(page: Page, shoot: Shoot) -> None:
    john = phone(page, "john")
    await onboard(john, "✓ English", "✅ I agree", "Thank you! Everything is ready.")

    replies = await john.locator(".msg.from-bot").count()
    typed = "<b>not bold</b> & <script>window.hacked = 1</script>"
    await john.locator(".text").fill(typed)
    await john.locator(".text").press("Enter")
    mine = john.locator(".msg.from-person").last
    await expect(mine.locator(".body")).to_have_text(typed)
    await expect(john.locator(".text")).to_have_value("")
    assert await john.locator(".chat script, .chat b").count() == 0
    assert await page.evaluate("window.hacked") is None
    # A kind answer that offers a call, never "I do not understand".
    await expect(john.locator(".msg.from-bot").nth(replies)).to_contain_text("call")

    await john.get_by_role("button", name="📍 Location").click()
    await button(john, "📍 Raadhuisplein").click()
    await expect(john.locator(".msg.from-person").last).to_contain_text(
        "📍 Location: Raadhuisplein"
    )
    await expect(john.locator(".location-panel")).to_be_hidden()

    await john.get_by_role("button", name="📍 Location").click()
    await john.locator(".lat").fill("north")
    await john.get_by_role("button", name="Send these coordinates").click()
    await expect(john.locator(".error")).to_contain_text("Type a latitude")
    await john.locator(".lat").fill("52,3500")
    await john.locator(".lon").fill("4.6100")
    await john.get_by_role("button", name="Send these coordinates").click()
    await expect(john.locator(".msg.from-person").last).to_contain_text(
        "📍 Location: 52.3500, 4.6100"
    )

    await john.get_by_role("button", name="👤 Contact").click()
    await expect(john.locator(".contact-number")).to_have_text("+31612345602")
    await button(john, "Share").click()
    await expect(john.locator(".msg.from-person").last).to_contain_text("👤 John · +31612345602")
    await expect(john.locator(".msg.from-bot").last).to_be_visible()
    await shoot("tools")


async def test_start_again_empties_every_chat_and_the_database(
    page: Page, shoot: Shoot, playground: Playground
) -> None:
    anna = phone(page, "anna")
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord", "Dank u wel! Alles is klaar.")
    assert playground.runtime is not None
    assert await playground.runtime.db.fetchall("SELECT 1 FROM residents") != []

    await page.get_by_role("button", name="↺ Start again").click()
    await expect(page.locator("#reset-dialog")).to_be_visible()
    await shoot("reset-dialog")
    await page.locator("#reset-confirm").click()
    await expect(anna.get_by_text("Anna has not talked to Samen yet.")).to_be_visible()
    await expect(anna.locator(".msg")).to_have_count(0)
    await expect(anna.locator(".keyboard button")).to_have_count(0)
    await playground.settled()
    assert playground.epoch == 1
    assert playground.runtime is not None
    assert await playground.runtime.db.fetchall("SELECT 1 FROM residents") == []

    await button(anna, "Start").click()
    await expect(bot_says(anna, "Kies uw taal")).to_be_visible()
    await expect(page.locator("#status")).to_have_text("Live")


async def test_a_cancelled_panel_sends_nothing(page: Page) -> None:
    person = phone(page, "anna")
    await person.get_by_role("button", name="👤 Contact").click()
    await button(person.locator(".contact-panel"), "Cancel").click()
    await expect(person.locator(".contact-panel")).to_be_hidden()
    await page.wait_for_timeout(300)
    await expect(person.locator(".msg")).to_have_count(0)


def tiny_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG image, made here so the test needs no file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def bot_api(playground: Playground, method: str, **params: Any) -> Any:
    """Call the emulator's Bot API as the bot does (for what no journey sends yet)."""
    form = aiohttp.FormData()
    for key, value in params.items():
        if isinstance(value, bytes):
            form.add_field(key, value, filename="chart.png", content_type="image/png")
        else:
            form.add_field(key, value if isinstance(value, str) else json.dumps(value))
    url = f"{playground.emulator.url}/bot{playground.token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, data=form) as response:
        body = await response.json()
    assert body["ok"], body
    return body["result"]


async def ask_with_keyboard(page: Page, playground: Playground, keyboard: Any) -> None:
    """Show a reply keyboard in Coen's chat, as a bot asking for a share would."""
    await bot_api(
        playground,
        "sendMessage",
        chat_id=str(COEN.user_id),
        text="Where are you?",
        reply_markup=keyboard,
    )
    first = keyboard["keyboard"][0][0]["text"]
    await expect(phone(page, "coen").locator(".keyboard .kb-btn").first).to_have_text(first)


async def bot_answers(page: Page, key: str, seen: int) -> None:
    """Wait for the real bot's answer (more than ``seen`` bot messages), and a moment more."""
    await page.wait_for_function(
        "([key, seen]) => document.querySelectorAll("
        "`[data-person='${key}'] .msg.from-bot`).length > seen",
        arg=[key, seen],
    )
    await page.wait_for_timeout(500)  # the rest of the answer, if any


async def test_the_page_shows_what_telegram_can_show_and_nothing_more(
    page: Page, shoot: Shoot, playground: Playground
) -> None:
    coen = phone(page, "coen")
    chat = str(COEN.user_id)
    html = (
        "<b>Bold</b> <i>italic</i> <u>under</u> <s>struck</s> <code>code()</code> "
        '<a href="https://www.heemstede.nl/">Heemstede</a> '
        '<a href="javascript:alert(1)">trap</a> <tg-spoiler>secret</tg-spoiler> '
        "&lt;script&gt;alert(1)&lt;/script&gt;\n<blockquote>quoted</blockquote>"
    )
    links = {"inline_keyboard": [[{"text": "Website", "url": "https://www.heemstede.nl/"}]]}
    sent = await bot_api(
        playground, "sendMessage", chat_id=chat, text=html, parse_mode="HTML", reply_markup=links
    )
    body = coen.locator(f'.msg[data-message-id="{sent["message_id"]}"] .body')
    await expect(body.locator("strong")).to_have_text("Bold")
    await expect(body.locator("em")).to_have_text("italic")
    await expect(body.locator("u")).to_have_text("under")
    await expect(body.locator("s")).to_have_text("struck")
    await expect(body.locator("code")).to_have_text("code()")
    await expect(body.locator("blockquote")).to_have_text("quoted")
    await expect(body.locator("a", has_text="Heemstede")).to_have_attribute(
        "href", "https://www.heemstede.nl/"
    )
    assert await body.locator("a", has_text="trap").get_attribute("href") is None
    await expect(body).to_contain_text("<script>alert(1)</script>")
    assert await coen.locator(".chat script").count() == 0
    spoiler = body.locator(".spoiler")
    await spoiler.click()
    await expect(spoiler).to_have_class(re.compile("shown"))
    await expect(coen.locator("a.inline-btn")).to_have_attribute(
        "href", "https://www.heemstede.nl/"
    )

    chart = await bot_api(
        playground,
        "sendPhoto",
        chat_id=chat,
        photo=tiny_png(40, 20, (31, 111, 92)),
        caption="<b>Residents</b> this week",
        parse_mode="HTML",
    )
    image = coen.locator(f'.msg[data-message-id="{chart["message_id"]}"] img.photo')
    await expect(image).to_be_visible()
    assert await image.evaluate("img => img.naturalWidth") == 40

    await bot_api(
        playground,
        "editMessageText",
        chat_id=chat,
        message_id=sent["message_id"],
        text="Changed <b>in place</b>",
        parse_mode="HTML",
    )
    edited = coen.locator(f'.msg[data-message-id="{sent["message_id"]}"]')
    await expect(edited.locator(".body")).to_have_text("Changed in place")
    await expect(edited.locator(".edited")).to_be_visible()
    assert await coen.locator(".msg").count() == 2

    keyboard = {
        "keyboard": [
            [{"text": "📍 Send my location", "request_location": True}],
            [{"text": "📞 Share my number", "request_contact": True}],
        ],
        "resize_keyboard": True,
    }
    # The real bot answers each share with its menu, which replaces the keyboard: ask again.
    await ask_with_keyboard(page, playground, keyboard)
    seen = await coen.locator(".msg.from-bot").count()
    await button(coen.locator(".keyboard"), "📍 Send my location").click()
    await button(coen, "📍 Wandelbos Groenendaal").click()
    await expect(coen.locator(".msg.from-person").last).to_contain_text(
        "📍 Location: Wandelbos Groenendaal"
    )
    await bot_answers(page, "coen", seen)
    await ask_with_keyboard(page, playground, keyboard)
    await button(coen.locator(".keyboard"), "📞 Share my number").click()
    await expect(coen.locator(".contact-number")).to_have_text("+31612345604")
    await button(coen, "Share").click()
    await expect(coen.locator(".msg.from-person").last).to_contain_text("👤 Coen · +31612345604")
    await shoot("formatting")

    await bot_api(playground, "deleteMessage", chat_id=chat, message_id=chart["message_id"])
    await expect(image).to_have_count(0)
