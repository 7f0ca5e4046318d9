"""Everything a running Samen needs besides Telegram: settings, store, texts, services."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock, utc_now
from bot.config import Settings
from bot.db import Database
from bot.i18n import Catalogs
from bot.monitor import Monitor
from bot.questions import QuestionStore
from bot.sendbudget import SendBudget
from bot.service_state import ServiceState
from bot.services import Services
from bot.services.callme.requests import CallPolicy
from bot.services.care.schedule import CheckinPolicy
from bot.shown_choices import ShownChoices


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    db: Database
    catalogs: Catalogs
    services: Services
    clock: Clock
    monitor: Monitor
    state: ServiceState
    shown_choices: ShownChoices
    # Every send and edit, replies and outbox alike, takes its slot here.
    budget: SendBudget
    # The question each person has open (bot/chat), kept in memory and in the database.
    questions: QuestionStore

    @classmethod
    async def open(cls, settings: Settings, clock: Clock = utc_now) -> Runtime:
        """Open and migrate the database, load catalogs, sync configured coordinators."""
        db = await Database.open(settings.database)
        try:
            await db.migrate()
            catalogs = Catalogs.load(settings.zone, clock)
            services = Services.create(
                db,
                clock,
                catalogs,
                settings.default_language,
                call_policy=CallPolicy.from_settings(settings),
                checkin_policy=CheckinPolicy.from_settings(settings),
                min_count=settings.min_count,
                feed_interval=settings.feed_interval,
            )
            await services.roles.sync_config_coordinators(settings.coordinators)
            questions = QuestionStore(db, clock)
            await questions.load()
        except BaseException:
            await db.close()
            raise
        monitor = Monitor(clock)
        return cls(
            settings=settings,
            db=db,
            catalogs=catalogs,
            services=services,
            clock=clock,
            monitor=monitor,
            state=ServiceState(db, clock),
            shown_choices=ShownChoices(),
            budget=SendBudget(settings.send_limit, monitor=monitor),
            questions=questions,
        )

    async def close(self) -> None:
        await self.db.close()
