"""What the WhatsApp emulator remembers: people, chats, the webhook queue, the numbers.

Times are wall-clock seconds (``time.time``), as Meta's ``timestamp`` fields are; a
test moves a person's window by saying when they last wrote (``last_wrote``).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from bot.emulator.whatsapp.rules import JSON, GraphError, Templates

WINDOW_S = 24 * 3600
PAIR_WINDOW_S = 6.0  # Meta's pair rate limit counts messages to one person per 6 s
RE_ENGAGEMENT = 131047  # free form outside the 24-hour window
UNDELIVERABLE = 131026
RATE_LIMIT = 130429
PAIR_RATE_LIMIT = 131056
ERROR_TITLES = {
    RE_ENGAGEMENT: "Re-engagement message",
    UNDELIVERABLE: "Message undeliverable",
}


@dataclass
class Realism:
    rate_limit: float = 0.0  # messages per second for the number; more: 130429 (0: no limit)
    pair_limit: int = 0  # messages to one person per 6 s; more: 131056 (0: no limit)
    fault_rate: float = 0.0  # share of sends answered with a 500 (seeded, repeatable)
    seed: int = 0
    duplicate_webhooks: bool = False  # deliver every webhook twice, as Meta sometimes does


@dataclass
class Person:
    bsuid: str
    name: str
    wa_id: str | None = None  # None: the person hides their number (usernames)
    last_wrote: float | None = None
    blocked: bool = False  # blocked the business: Meta accepts, then fails with 131026
    entries: list[JSON] = field(default_factory=list)
    sent_at: deque[float] = field(default_factory=deque)

    def window_open(self, now: float) -> bool:
        return self.last_wrote is not None and now - self.last_wrote < WINDOW_S

    def contact(self) -> JSON:
        """The person as the webhook's ``contacts`` entry (BSUID-era shape)."""
        contact: JSON = {"profile": {"name": self.name}, "user_id": self.bsuid}
        if self.wa_id:
            contact["wa_id"] = self.wa_id
        return contact


class WaState:
    def __init__(
        self,
        *,
        phone_number_id: str,
        token: str,
        app_secret: str,
        templates: Templates,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.phone_number_id = phone_number_id
        self.token = token
        self.app_secret = app_secret
        self.templates = templates
        self.now = now
        self.realism = Realism()
        self.webhook_url = ""
        self.closing = False
        self._ids = count(1)
        self._changed = asyncio.Event()
        self.reset()

    def reset(self) -> None:
        self.people: dict[str, Person] = {}
        self.wamids: dict[str, str] = {}  # our message id -> bsuid
        self.media: dict[str, tuple[str, str, bytes]] = {}  # id -> file name, type, bytes
        self.violations: list[JSON] = []
        self.webhooks: deque[JSON] = deque()
        self.send_times: list[float] = []
        self.counts: dict[str, int] = dict.fromkeys(
            ("accepted", "refused", "http_429", "template", "template_outside_window",
             "freeform_outside_window", "faults"),
            0,
        )  # fmt: skip
        self._random = random.Random(self.realism.seed)

    def configure(self, **changes: Any) -> Realism:
        for key, value in changes.items():
            if not hasattr(self.realism, key):
                raise ValueError(f"unknown realism option {key!r}")
            setattr(self.realism, key, type(getattr(self.realism, key))(value))
        self._random = random.Random(self.realism.seed)
        return self.realism

    # ------------------------------------------------------------------ people

    def add_person(self, bsuid: str, name: str, wa_id: str | None = None) -> Person:
        person = self.people.get(bsuid) or Person(bsuid, name, wa_id)
        self.people[bsuid] = person
        return person

    def find(self, recipient: str) -> Person | None:
        """A person by BSUID, or by phone number when they show it."""
        person = self.people.get(recipient)
        if person is None:
            person = next((p for p in self.people.values() if p.wa_id == recipient), None)
        return person

    def new_wamid(self) -> str:
        return f"wamid.EMU{next(self._ids):012d}"

    def record(self, person: Person, direction: str, message: JSON, wamid: str) -> JSON:
        entry = {
            "seq": len(person.entries) + 1,
            "direction": direction,
            "id": wamid,
            "at": self.now(),
            **message,
        }
        person.entries.append(entry)
        self._wake()
        return entry

    def violation(self, description: str, **extra: Any) -> None:
        self.violations.append({"description": description, **extra})
        self._wake()

    # ------------------------------------------------------------------ sending

    def admit(self, person: Person | None) -> None:
        """Meta's throughput limits and injected faults, before a message is accepted."""
        now = self.now()
        if self.realism.fault_rate and self._random.random() < self.realism.fault_rate:
            self.counts["faults"] += 1
            raise GraphError(1, "An unknown error occurred (injected fault)", status=500)
        limit = self.realism.rate_limit
        recent = [t for t in self.send_times[-int(limit) - 1 :] if now - t < 1.0] if limit else []
        if limit and len(recent) >= limit:
            self.counts["http_429"] += 1
            raise GraphError(RATE_LIMIT, "Rate limit hit: too many messages per second")
        if person is not None and self.realism.pair_limit:
            while person.sent_at and now - person.sent_at[0] >= PAIR_WINDOW_S:
                person.sent_at.popleft()
            if len(person.sent_at) >= self.realism.pair_limit:
                self.counts["http_429"] += 1
                raise GraphError(PAIR_RATE_LIMIT, "Pair rate limit hit: too many to one person")

    def accept(self, person: Person | None, message: JSON) -> str:
        """Record an accepted message and queue its statuses; returns its message id."""
        now = self.now()
        wamid = self.new_wamid()
        self.send_times.append(now)
        self.counts["accepted"] += 1
        if person is None or person.blocked:
            self.queue_status(person, wamid, "failed", UNDELIVERABLE)
            return wamid
        person.sent_at.append(now)
        self.wamids[wamid] = person.bsuid
        template = message.get("type") == "template"
        self.counts["template"] += template
        if not person.window_open(now):
            if not template:
                self.counts["freeform_outside_window"] += 1
                self.violation(
                    "free-form message outside the 24-hour window", user=person.bsuid, id=wamid
                )
                self.queue_status(person, wamid, "failed", RE_ENGAGEMENT)
                return wamid
            self.counts["template_outside_window"] += 1
        self.record(person, "out", message, wamid)
        self.queue_status(person, wamid, "sent")
        self.queue_status(person, wamid, "delivered")
        return wamid

    # ------------------------------------------------------------------ webhooks

    def envelope(self, value: JSON) -> JSON:
        value = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": "31850000000",
                "phone_number_id": self.phone_number_id,
            },
            **value,
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": "EMULATOR_WABA", "changes": [{"value": value, "field": "messages"}]}],
        }

    def queue_status(self, person: Person | None, wamid: str, status: str, error: int = 0) -> None:
        entry: JSON = {"id": wamid, "status": status, "timestamp": str(int(self.now()))}
        value: JSON = {"statuses": [entry]}
        if person is not None:
            entry["recipient_id"] = person.wa_id or person.bsuid
            entry["recipient_user_id"] = person.bsuid
            value["contacts"] = [person.contact()]
        if error:
            title = ERROR_TITLES.get(error, "Message failed to send")
            entry["errors"] = [
                {"code": error, "title": title, "message": title, "error_data": {"details": title}}
            ]
        self.queue_webhook(self.envelope(value))

    def queue_webhook(self, payload: JSON) -> None:
        self.webhooks.append(payload)
        if self.realism.duplicate_webhooks:
            self.webhooks.append(payload)
        self._wake()

    def incoming(self, person: Person, message: JSON) -> JSON:
        """The person sends ``message`` (type and content): recorded and pushed to Samen."""
        wamid = self.new_wamid()
        person.last_wrote = self.now()
        full: JSON = {"id": wamid, "timestamp": str(int(self.now())), **message}
        full["from_user_id"] = person.bsuid
        if person.wa_id:
            full["from"] = person.wa_id
        self.queue_webhook(self.envelope({"contacts": [person.contact()], "messages": [full]}))
        return self.record(person, "in", message, wamid)

    # ------------------------------------------------------------------ waiting

    def _wake(self) -> None:
        self._changed.set()

    async def changed(self, seconds: float) -> None:
        self._changed.clear()
        if self.closing:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), seconds)

    def stats(self) -> JSON:
        return {**self.counts, "max_sends_in_1s": max_in_one_second(self.send_times)}


def max_in_one_second(times: list[float]) -> int:
    best, start = 0, 0
    ordered = sorted(times)
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best
