"""Partners (issue 16): who may change which source's activities, invites that make a
partner, and a partner's own chat-made activities surviving their source's import."""

from __future__ import annotations

from pathlib import Path

from bot.activity_cli import import_file
from bot.db import Database
from bot.services import Services
from bot.services.activities.catalog import CHAT_ID_PREFIX
from bot.services.activities.fields import apply, blank
from bot.services.activities.partners import Hider
from bot.services.roles import Role
from bot.services.volunteers import InviteResult
from tests.conftest import FakeClock
from tests.unit.test_activities import HEADER, PLACES, csv_row, write

COORDINATOR = 900
PETRA = 31


async def imported(db: Database, clock: FakeClock, tmp_path: Path, source: str) -> None:
    path = await write(tmp_path, source, HEADER + csv_row("a") + csv_row("b"))
    assert (await import_file(db, path, source, "Europe/Amsterdam", clock)).added == 2


async def test_an_invite_with_sources_makes_a_partner_of_those_only(
    db: Database, services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    await imported(db, clock, tmp_path, "wij.csv")
    await imported(db, clock, tmp_path, "bieb.csv")
    assert await services.partners.known_sources() == ["bieb.csv", "wij.csv"]
    invite = await services.volunteers.create_invite(COORDINATOR, ["wij.csv"])
    assert await services.volunteers.invite_sources(invite.code) == ("wij.csv",)
    joined = await services.volunteers.redeem_invite(invite.code, PETRA, "Petra", "nl")
    assert joined is InviteResult.JOINED
    assert await services.roles.of(PETRA) == frozenset({Role.PARTNER})  # not a volunteer
    assert await services.partners.sources_of(PETRA) == ("wij.csv",)
    assert await services.partners.may_change(PETRA, "wij.csv")
    assert not await services.partners.may_change(PETRA, "bieb.csv")
    assert not await services.partners.may_change(PETRA, "bot")
    await services.roles.grant(COORDINATOR, Role.COORDINATOR, None)
    assert await services.partners.may_change(COORDINATOR, "bieb.csv")
    # A volunteer's invite still makes a volunteer, and names no sources.
    plain = await services.volunteers.create_invite(COORDINATOR)
    assert await services.volunteers.invite_sources(plain.code) == ()
    assert await services.volunteers.redeem_invite(plain.code, 32, "Kees", "nl") is (
        InviteResult.JOINED
    )
    assert await services.roles.of(32) == frozenset({Role.VOLUNTEER})


async def test_erasure_ends_the_partnership(
    db: Database, services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    await imported(db, clock, tmp_path, "wij.csv")
    await services.residents.give_consent(PETRA, "Petra", "nl")
    invite = await services.volunteers.create_invite(COORDINATOR, ["wij.csv"])
    await services.volunteers.redeem_invite(invite.code, PETRA, "Petra", "nl")
    await services.privacy.erase(PETRA)
    assert await services.partners.sources_of(PETRA) == ()
    assert await services.roles.of(PETRA) == frozenset()
    assert not await services.partners.may_change(PETRA, "wij.csv")


async def test_a_partners_chat_activity_survives_the_import_of_their_source(
    db: Database, services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    await imported(db, clock, tmp_path, "wij.csv")
    data = apply(blank("Europe/Amsterdam"), "title_nl", "Extra koffie", PLACES)
    data = apply(data, "start", "2-12-2026 10:00", PLACES)
    data = apply(data, "location", "52.357, 4.621", PLACES)
    made = await services.activities.create(data, PETRA, "wij.csv")
    assert made.source == "wij.csv" and made.data.external_id.startswith(CHAT_ID_PREFIX)
    # The file has only a and b; the chat-made one is not "gone from the file".
    path = await write(tmp_path, "wij.csv", HEADER + csv_row("a") + csv_row("b"))
    again = await import_file(db, path, "wij.csv", "Europe/Amsterdam", clock)
    assert (again.unchanged, again.hidden) == (2, 0)
    kept = await services.activities.get(made.id)
    assert kept is not None and kept.hidden_by is None


async def test_who_hid_an_activity_is_told_truthfully(
    db: Database, services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    """Both hides are stored as 'coordinator'; the history says whose it was."""
    await imported(db, clock, tmp_path, "wij.csv")
    await services.roles.grant(COORDINATOR, Role.COORDINATOR, None)
    invite = await services.volunteers.create_invite(COORDINATOR, ["wij.csv"])
    await services.volunteers.redeem_invite(invite.code, PETRA, "Petra", "nl")
    first, second = (a.id for a in await services.activities.of_sources(("wij.csv",)))
    assert await services.partners.who_hid(first) is Hider.UNKNOWN  # never hidden
    await services.activities.set_hidden(first, True, PETRA)
    await services.activities.set_hidden(second, True, COORDINATOR)
    assert await services.partners.who_hid(first) is Hider.PARTNER
    assert await services.partners.who_hid(second) is Hider.COORDINATOR
    await services.privacy.erase(PETRA)  # her id leaves the history: nobody to name
    assert await services.partners.who_hid(first) is Hider.UNKNOWN
