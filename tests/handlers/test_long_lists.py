"""Lists that grow with the work (tasks, volunteers) never exceed Telegram's 4,096 characters."""

from __future__ import annotations

from bot.emulator.client import EmulatorClient, Entry
from bot.runtime import Runtime
from bot.services import Services
from bot.services.callme.requests import CallOutcome
from bot.services.roles import Role
from tests.handlers.conftest import USER, Feeder

PIET = 700_200_001
RESIDENTS = range(700_100_001, 700_100_031)  # thirty residents, one request each


async def sent(client: EmulatorClient, after: int) -> list[Entry]:
    return [
        e for e in await client.transcript(USER["id"], after=after) if e.get("direction") == "out"
    ]


def text(entry: Entry) -> str:
    return entry.get("text") or ""


def buttons(entry: Entry) -> list[str]:
    markup = entry.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def coordinator(services: Services) -> None:
    await services.residents.give_consent(USER["id"], "Greet", "nl")
    await services.roles.grant(USER["id"], Role.COORDINATOR, granted_by=None)


async def test_thirty_follow_ups_with_long_notes(
    feeder: Feeder, client: EmulatorClient, runtime: Runtime
) -> None:
    services = runtime.services
    await coordinator(services)
    await services.residents.give_consent(PIET, "Piet", "nl")
    async with runtime.db.transaction() as conn:
        await services.volunteers.enrol(PIET, "Piet", "nl", None, conn)
    key = services.call_requests.moments()[0].key
    for resident in RESIDENTS:
        await services.residents.give_consent(resident, "Anna", "nl")
        task = await services.call_requests.create_request(resident, "0612345678", key, None)
        await services.call_requests.claim(task.id, PIET)
        await services.call_requests.record_outcome(task.id, PIET, CallOutcome.FOLLOW_UP)
        assert await services.call_requests.add_note(task.id, PIET, "Wil graag een bezoek. " * 30)
    after = await client.last_seq(USER["id"])

    await feeder.text("/tasks")

    parts = await sent(client, after)
    assert text(parts[0]).startswith("Alle belverzoeken")
    assert all(len(text(p)) <= 4096 for p in parts)
    assert not any("iets mis" in text(p) for p in parts)
    whole = "\n".join(text(p) for p in parts)
    assert whole.count("vervolg nodig (Piet)") == 30
    # Each note is cut to one short line.
    notes = [line for line in whole.splitlines() if line.strip().startswith("Notitie:")]
    assert len(notes) == 30 and all(n.endswith("…") and len(n) < 100 for n in notes)


async def test_fifty_volunteers_and_more(
    feeder: Feeder, client: EmulatorClient, runtime: Runtime
) -> None:
    services = runtime.services
    await coordinator(services)
    async with runtime.db.transaction() as conn:
        for n in range(60):
            await services.volunteers.enrol(
                PIET + n, f"Wilhelmina-Johanna van Heemste{n:02d}", "nl", None, conn
            )
    for n in range(60):
        await services.volunteers.toggle_language(PIET + n, "en")
    after = await client.last_seq(USER["id"])

    await feeder.text("/volunteers")

    parts = await sent(client, after)
    assert len(parts) > 1
    assert all(len(text(p)) <= 4096 for p in parts)
    assert not any("iets mis" in text(p) for p in parts)
    whole = "\n".join(text(p) for p in parts)
    assert whole.count("open gesprekken: 0") == 50 and "… en nog 10." in whole
    assert len(buttons(parts[-1])) == 50
