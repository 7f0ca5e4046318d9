"""A broadcast to 5,000 residents on WhatsApp, a third of them outside the 24-hour window.

Samen's real WhatsApp messenger (pywa, its own SendBudget at SAMEN_WHATSAPP_SEND_RATE,
default 60/s) delivers the coordinator's broadcast to the local Cloud API emulator,
which enforces Meta's default throughput (80 messages per second, 130429 above it) and
the window (a free-form message outside it is a violation). Everyone has opted in, so
the third outside the window gets the broadcast template.

    .venv/bin/python bench/whatsapp.py [--recipients 5000] [--rate 60]

The last line printed is one JSON object: rate_ratio (achieved rate / configured),
max_sends_in_1s, http_429, template_outside_window, freeform_outside_window.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.channels.whatsapp.graph import GraphSender
from bot.channels.whatsapp.messenger import WhatsAppMessenger
from bot.channels.whatsapp.people import WhatsAppPeople
from bot.channels.whatsapp.templates import approved
from bot.clock import to_iso, utc_now
from bot.db import Database
from bot.emulator.whatsapp import WhatsAppEmulator, WhatsAppEmulatorClient
from bot.i18n import Catalogs
from bot.person_ids import whatsapp_id
from bot.sendbudget import SendBudget
from bot.services import Services
from bot.services.broadcasts import Audience, AudienceKind

AUTHOR = 999_000_001  # the coordinator, on Telegram
META_DEFAULT_TIER = 80  # messages per second Meta allows a new number
OUTSIDE_HOURS = 30


def bsuid(i: int) -> str:
    return f"NL.{7_000_000_000 + i:020d}"


async def seed(db: Database, client: WhatsAppEmulatorClient, recipients: int) -> int:
    """Consented WhatsApp residents (every third outside the window) and the broadcast."""
    now = utc_now()
    old = to_iso(now - timedelta(hours=OUTSIDE_HOURS))
    outside = {i for i in range(recipients) if i % 3 == 0}
    await db.executemany(
        "INSERT INTO residents (telegram_id, first_name, language, consent_version, consent_at,"
        " created_at, updated_at) VALUES (?, 'Bench', 'nl', 1, ?, ?, ?)",
        [(whatsapp_id(i + 1), to_iso(now), to_iso(now), to_iso(now)) for i in range(recipients)],
    )
    await db.executemany(
        "INSERT INTO whatsapp_people (seq, resident_id, bsuid, last_inbound_at, opted_in_at,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (i + 1, whatsapp_id(i + 1), bsuid(i), old if i in outside else to_iso(now),
             to_iso(now), to_iso(now))
            for i in range(recipients)
        ],
    )  # fmt: skip
    for start in range(0, recipients, 250):
        batch = range(start, min(recipients, start + 250))
        await asyncio.gather(*(client.add_person(bsuid(i), "Bench") for i in batch))
        await asyncio.gather(
            *(client.last_wrote(bsuid(i), OUTSIDE_HOURS if i in outside else 0) for i in batch)
        )
    services = Services.create(db, utc_now)
    draft = await services.broadcasts.draft(AUTHOR, "nl", "Week van de <b>Ontmoeting</b>!", None)
    await services.broadcasts.set_audience(draft.id, Audience(AudienceKind.ALL))
    return await services.broadcasts.send_now(draft.id, AUTHOR)


async def run(recipients: int, rate: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "wa.sqlite3")
        await db.migrate()
        async with (
            WhatsAppEmulator(approved(), rate_limit=META_DEFAULT_TIER) as emulator,
            WhatsAppEmulatorClient(emulator.url) as client,
        ):
            queued = await seed(db, client, recipients)
            services = Services.create(db, utc_now)
            state = emulator.state
            sender = GraphSender(emulator.url, state.phone_number_id, state.token)
            messenger = WhatsAppMessenger(
                sender,
                services.outbox,
                WhatsAppPeople(db, utc_now),
                Catalogs.load(ZoneInfo("Europe/Amsterdam")),
                "nl",
                SendBudget(rate),
            )
            stop = asyncio.Event()
            started = time.perf_counter()
            task = asyncio.create_task(messenger.run(stop))
            while True:
                counts = await services.outbox.counts("broadcast:1")
                if sum(counts.get(s, 0) for s in ("sent", "failed", "blocked")) >= queued:
                    break
                await asyncio.sleep(0.2)
            took = time.perf_counter() - started
            stop.set()
            await task
            await sender.close()
            stats = await client.stats()
            print(f"outcomes: {counts}; {queued} messages in {took:.1f} s")
        await db.close()
    return {
        "rate_ratio": round(queued / took / rate, 3),
        "max_sends_in_1s": stats["max_sends_in_1s"],
        "http_429": stats["http_429"],
        "template_outside_window": stats["template_outside_window"],
        "freeform_outside_window": stats["freeform_outside_window"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=60.0, help="SAMEN_WHATSAPP_SEND_RATE")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.recipients, args.rate))))


if __name__ == "__main__":
    main()
