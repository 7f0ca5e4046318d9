"""PTB's HTTP client, telling the monitor how every Bot API call went.

Replies, polling and the outbox all pass here, so the 429 count and "last contact with
Telegram" on /healthz cover every request, not only the messenger's.
"""

from __future__ import annotations

from typing import Any

from telegram.request import HTTPXRequest, RequestData

from bot.monitor import Monitor


class MonitoredRequest(HTTPXRequest):
    def __init__(self, monitor: Monitor, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._monitor = monitor

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        status, payload = await super().do_request(url, method, request_data, *args, **kwargs)
        self._monitor.telegram_answered(status)
        return status, payload
