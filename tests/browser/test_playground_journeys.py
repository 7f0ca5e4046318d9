"""Whole journeys across people on the playground page, as the issue describes them:
a resident finds activities by location; a resident asks for a call-back, the
volunteer claims it, and the resident sees it was taken."""

from __future__ import annotations

from playwright.async_api import Locator, Page, expect

from bot.chat.menu import MENU_LABELS, MenuAction
from bot.i18n import Translator
from bot.playground import EXAMPLE_ACTIVITIES, Playground
from bot.services.activities.imports import read_file
from bot.services.places.geo import Places
from tests.browser.conftest import Shoot


def phone(page: Page, key: str) -> Locator:
    return page.locator(f'[data-person="{key}"]')


def button(where: Locator, name: str) -> Locator:
    return where.get_by_role("button", name=name, exact=True)


def texts(playground: Playground, language: str) -> Translator:
    assert playground.runtime is not None
    return playground.runtime.catalogs.get(language)


async def onboard(where: Locator, t: Translator, language: str) -> None:
    await button(where, "Start").click()
    await where.locator(".inline-btn", has_text=language).click()
    await button(where, t._("✅ I agree")).click()
    my_data = button(where.locator(".keyboard"), t._(MENU_LABELS[MenuAction.MY_DATA]))
    await expect(my_data).to_be_visible()


async def test_a_resident_finds_activities_near_a_place(
    page: Page, shoot: Shoot, playground: Playground
) -> None:
    en = texts(playground, "en")
    john = phone(page, "john")
    await onboard(john, en, "English")
    label = en._(MENU_LABELS[MenuAction.ACTIVITIES])
    await button(john.locator(".keyboard"), label).click()
    await john.locator('.keyboard .kb-btn[title="Shares a location"]').click()
    await button(john, "📍 Raadhuisplein").click()
    # Results first: the list comes at once, the choices one tap away under it.
    await expect(button(john, en._("⚙️ Change choices"))).to_be_visible()
    found = [
        activity
        for path in EXAMPLE_ACTIVITIES
        for activity in read_file(path, Places.load(), "Europe/Amsterdam").activities
    ]
    titles = [a.title_en or a.title_nl for a in found]
    listing = john.locator(".msg.from-bot").filter(has_text=titles[0])
    for title in titles[1:]:
        listing = listing.or_(john.locator(".msg.from-bot").filter(has_text=title))
    await expect(listing.first).to_be_visible()
    await shoot("activities")


async def test_a_call_back_is_asked_claimed_and_the_resident_hears(
    page: Page, shoot: Shoot, playground: Playground
) -> None:
    en, nl = texts(playground, "en"), texts(playground, "nl")
    john, fatima = phone(page, "john"), phone(page, "fatima")
    await onboard(fatima, nl, "Nederlands")
    await onboard(john, en, "English")

    await button(john.locator(".keyboard"), en._(MENU_LABELS[MenuAction.CALL_ME])).click()
    await john.locator('.keyboard .kb-btn[title="Shares your phone number"]').click()
    await button(john.locator(".contact-panel"), "Share").click()
    when = john.locator(".msg.from-bot", has_text=en._("When would you like to be called?"))
    await when.locator(".inline-btn").first.click()
    await button(john, en._("Skip")).click()
    await shoot("asked")

    take = button(fatima, nl._("🙋 I'll take it"))
    await expect(take).to_be_visible(timeout=15_000)  # through the outbox, at its pace
    await take.click()
    await expect(fatima.locator(".msg.from-bot", has_text="06 12 34 56 02")).to_be_visible()

    good_news = en._("Good news! %(name)s, a volunteer, will call you: %(moment)s.")
    taken = john.locator(".msg.from-bot", has_text=good_news.split("%(name)s")[0].strip())
    await expect(taken).to_contain_text("Fatima", timeout=15_000)
    await shoot("taken")
