"""What the operator's tools read: Prometheus metrics and the facts behind /healthz.

One ``Monitor`` per running Samen (never module-level, so tests and the playground can run
several side by side). Labels carry kinds and outcomes only, never a person's id or text.
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from bot.clock import Clock


class Monitor:
    """Counters kept in memory by the parts that do the work, read by the HTTP server."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter(
            "samen_updates_handled",
            "Updates from Telegram handled, by kind (message, button, ...)",
            ["kind"],
            registry=self.registry,
        )
        self.sends = Counter(
            "samen_sends",
            "Outbox sends and edits, by outbox kind and outcome",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.telegram_responses = Counter(
            "samen_telegram_responses",
            "Responses of the Bot API, by HTTP status class (2xx, 4xx, 429, 5xx)",
            ["status"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "samen_telegram_429",
            "Requests Telegram refused with 429 Too Many Requests",
            registry=self.registry,
        )
        self.send_slots = Counter(
            "samen_send_slots",
            "Send/edit slots handed out by the one send budget, by priority (reply, bulk)",
            ["priority"],
            registry=self.registry,
        )
        self.send_budget_pauses = Counter(
            "samen_send_budget_pauses",
            "Times a 429 paused every send (replies and bulk) for Telegram's retry_after",
            registry=self.registry,
        )
        self.errors = Counter(
            "samen_errors",
            "Unexpected errors, by where they happened",
            ["where"],
            registry=self.registry,
        )
        self.tick_seconds = Histogram(
            "samen_tick_duration_seconds",
            "How long each scheduler tick took",
            ["tick"],
            buckets=(0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120),
            registry=self.registry,
        )
        self.outbox_depth = Gauge(
            "samen_outbox_depth",
            "Outbox rows waiting to be sent, by priority",
            ["priority"],
            registry=self.registry,
        )
        self.outbox_lag = Gauge(
            "samen_outbox_lag_seconds",
            "How long the oldest due outbox row has been waiting",
            registry=self.registry,
        )
        self.last_tick: datetime | None = None
        self.last_telegram_ok: datetime | None = None

    def ticked(self, name: str, seconds: float) -> None:
        self.tick_seconds.labels(name).observe(seconds)
        self.last_tick = self.clock()

    def telegram_answered(self, status: int) -> None:
        """Every Bot API response passes here (see ``bot.telegram_request``)."""
        if status == 429:
            self.rate_limited.inc()
            self.telegram_responses.labels("429").inc()
            return
        self.telegram_responses.labels(f"{status // 100}xx").inc()
        if status < 500:
            # Telegram answered, even if it refused this one request: the line is up.
            self.last_telegram_ok = self.clock()
