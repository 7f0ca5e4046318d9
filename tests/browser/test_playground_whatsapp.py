"""The playground's WhatsApp phone in a real browser: Wim chats with the real Samen."""

from __future__ import annotations

from playwright.async_api import Locator, Page, expect

from bot.playground import Playground
from tests.browser.conftest import Shoot


def wim(page: Page) -> Locator:
    return page.locator('[data-person="wim"]')


def button(where: Locator, name: str) -> Locator:
    return where.get_by_role("button", name=name, exact=True)


async def test_wim_writes_on_whatsapp_and_picks_from_the_menu_list(
    page: Page, shoot: Shoot, playground: Playground
) -> None:
    phone = wim(page)
    await expect(phone.locator(".role")).to_have_text("WhatsApp · Resident · Nederlands")
    await expect(phone.get_by_text("Wim uses WhatsApp.")).to_be_visible()

    await phone.get_by_label("Message").fill("hallo")
    await button(phone, "Send").click()
    await expect(phone.locator(".msg.from-person")).to_have_text("hallo")
    # His first message starts onboarding, as /start does on Telegram.
    question = phone.locator(".msg.from-bot", has_text="Kies uw taal")
    await button(question, "✓ Nederlands").click()
    notice = phone.locator(".msg.from-bot", has_text="Uw privacy")
    await button(notice, "Nee, liever niet").click()
    declined = phone.locator(".msg.from-bot", has_text="Samen heeft niets over u bewaard")
    await expect(declined).to_be_visible()
    await shoot("menu-list")

    # The main menu is a WhatsApp list: open it, pick a row; the tap shows as Wim's answer.
    await button(declined, "☰ Menu").click()
    await expect(phone.locator(".wa-sheet-title")).to_have_text("Menu")
    await phone.locator(".wa-row", has_text="🌐 Taal").click()
    await expect(phone.locator(".msg.from-person").last).to_have_text("🌐 Taal")
    # The language question, the introduction, the privacy text, "that is fine", and
    # the answer to "🌐 Taal".
    await expect(phone.locator(".msg.from-bot")).to_have_count(5)
    await shoot("picked")
    assert playground.whatsapp.state.violations == []
