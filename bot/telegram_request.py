"""PTB's HTTP client, telling the monitor how every Bot API call went, and keeping every
send and edit inside the one send budget.

Replies, polling and the outbox all pass here, so the 429 count and "last contact with
Telegram" on /healthz cover every request, not only the messenger's. A send or edit from
a handler (a reply) takes a reply slot of the ``SendBudget`` first; the messenger took its
bulk slot itself (``SLOT_TAKEN``). A 429 on any request pauses the whole budget; a reply
that got one is sent again once after the pause, so the person still gets the answer.
What each message now shows is noted for typed answers to buttons (``bot.shown_choices``).
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

from telegram import Bot, Update
from telegram.request import HTTPXRequest, RequestData

from bot.monitor import Monitor
from bot.sendbudget import SLOT_TAKEN, Priority, SendBudget, counts_against_budget
from bot.shown_choices import ShownChoices

log = logging.getLogger("samen.telegram")

TOO_MANY_REQUESTS = 429
# A reply held up longer than this is not retried: PTB raises RetryAfter instead, so one
# person's answer does not hold up every other update for minutes.
REPLY_RETRY_MAX_WAIT_S = 10.0


def retry_after_of(payload: bytes) -> float:
    """Telegram's ``parameters.retry_after`` of a 429 answer (1 s if it names none)."""
    try:
        return float(json.loads(payload)["parameters"]["retry_after"])
    except (ValueError, KeyError, TypeError):
        return 1.0


def update_of(data: Any, bot: Bot | None) -> Update:
    """An update as PTB reads it; one PTB cannot read (a field it requires missing, from
    an older or newer Bot API) becomes a bare update with its id, logged by id only.

    PTB's polling neither skips nor confirms a batch it cannot read: it fetches the same
    batch again at once, for ever, logging each update whole (people's words) at CRITICAL,
    and nobody hears from Samen again. A bare update is confirmed and ignored instead.
    Raises ValueError for what is no update at all (no update_id).
    """
    if _readable(data):
        return Update.de_json(data, bot)
    update = Update(_bare(data)["update_id"])
    update.set_bot(bot)
    return update


def _readable(data: Any) -> bool:
    try:
        Update.de_json(data, None)
    except Exception:
        return False
    return True


def _bare(data: Any) -> dict[str, int]:
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int):
        raise ValueError("not an update")
    log.warning("update %d unreadable, skipped", update_id)
    return {"update_id": update_id}


def readable_updates(payload: bytes) -> bytes:
    """getUpdates' answer with every update PTB cannot read made bare (``update_of``)."""
    try:
        answer = json.loads(payload)
    except ValueError:
        return payload
    updates = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(updates, list) or all(_readable(u) for u in updates):
        return payload
    try:
        answer["result"] = [u if _readable(u) else _bare(u) for u in updates]
    except ValueError:
        return payload  # no update id to confirm: PTB reports it
    return json.dumps(answer).encode()


class MonitoredRequest(HTTPXRequest):
    def __init__(
        self,
        monitor: Monitor,
        budget: SendBudget | None = None,
        choices: ShownChoices | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._monitor = monitor
        self._budget = budget
        self._choices = choices

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        if self._choices is not None and request_data is not None:
            local = self._choices.answer_locally(url, request_data.parameters)
            if local is not None:
                return 200, local
        send = functools.partial(self._answered, url, method, request_data, *args, **kwargs)
        if self._budget is None or not self._is_reply(url):
            return await send()
        await self._budget.take(Priority.REPLY)
        status, payload = await send()
        if status != TOO_MANY_REQUESTS or retry_after_of(payload) > REPLY_RETRY_MAX_WAIT_S:
            return status, payload
        log.warning("a reply got 429; sending it again after the pause")
        await self._budget.take(Priority.REPLY)  # the first slot after the pause
        return await send()

    def _is_reply(self, url: str) -> bool:
        """A send or edit for which the messenger did not take a bulk slot already."""
        return counts_against_budget(url.rsplit("/", 1)[-1]) and not SLOT_TAKEN.get()

    async def _answered(self, url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """One HTTP request, counted; a 429 pauses the whole budget."""
        status, payload = await super().do_request(url, *args, **kwargs)
        self._monitor.telegram_answered(status)
        if status == TOO_MANY_REQUESTS and self._budget is not None:
            self._budget.pause(retry_after_of(payload))
        if self._choices is not None and status == 200:
            self._choices.observe(url, payload)
        if status == 200 and url.endswith("/getUpdates"):
            payload = readable_updates(payload)
        return status, payload
