"""PTB's HTTP client, telling the monitor how every Bot API call went.

Replies, polling and the outbox all pass here, so the 429 count and "last contact with
Telegram" on /healthz cover every request, not only the messenger's; and what each message
now shows is noted for typed answers to buttons (``bot.shown_choices``).
"""

from __future__ import annotations

from typing import Any

from telegram.request import HTTPXRequest, RequestData

from bot.monitor import Monitor
from bot.shown_choices import ShownChoices


class MonitoredRequest(HTTPXRequest):
    def __init__(
        self, monitor: Monitor, choices: ShownChoices | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._monitor = monitor
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
        status, payload = await super().do_request(url, method, request_data, *args, **kwargs)
        self._monitor.telegram_answered(status)
        if self._choices is not None and status == 200:
            self._choices.observe(url, payload)
        return status, payload
