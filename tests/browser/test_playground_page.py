"""The playground page in a real browser: people chat with the real bot through it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.async_api import Locator, Page, expect

from bot.playground import ANNA, Playground
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
    placeholder = "Tik op een knop hieronder"
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
    export = anna.locator(".msg.from-bot .file")
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
    await expect(john.locator(".msg.from-bot")).to_have_count(replies + 1)  # a kind answer

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
