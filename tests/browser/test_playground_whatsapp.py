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
    greeting = phone.locator(".msg.from-bot", has_text="Fijn dat u schrijft")
    await expect(greeting).to_be_visible()
    await shoot("menu-list")

    # The main menu is a WhatsApp list: open it, pick a row; the tap shows as Wim's answer.
    await button(greeting, "☰ Menu").click()
    await expect(phone.locator(".wa-sheet-title")).to_have_text("Menu")
    await phone.locator(".wa-row", has_text="🌐 Taal").click()
    await expect(phone.locator(".msg.from-person").last).to_have_text("🌐 Taal")
    await expect(phone.locator(".msg.from-bot")).to_have_count(2)
    await shoot("picked")
    assert playground.whatsapp.state.violations == []
