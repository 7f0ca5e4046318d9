"""Domain logic over the database. Knows nothing of Telegram: plain data in and out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db import Database
from bot.i18n import Catalogs
from bot.services.activities.catalog import Activities
from bot.services.activities.partners import Partners
from bot.services.activities.reminders import Reminders
from bot.services.activities.sources import Sources
from bot.services.applications import Applications
from bot.services.audit import Audit
from bot.services.availability import Availabilities
from bot.services.broadcasts import Broadcasts
from bot.services.callme.requests import CallPolicy, CallRequests
from bot.services.care.checkins import Checkins
from bot.services.care.contacts import EmergencyContacts
from bot.services.care.safety import CallDesk, SafetyNet
from bot.services.care.schedule import CheckinPolicy
from bot.services.care.selfcheck import SelfChecks
from bot.services.care.undelivered import UndeliveredCheckins
from bot.services.counts import Counts
from bot.services.groups import Groups
from bot.services.links import Links
from bot.services.outbox import Outbox
from bot.services.places.geo import Places
from bot.services.privacy import Privacy, Retention
from bot.services.regularcall import RegularCalls
from bot.services.residents import Residents
from bot.services.roles import Roles
from bot.services.stats import DEFAULT_MIN_COUNT, Stats
from bot.services.understanding.reader import Understanding
from bot.services.volunteers import Volunteers


@dataclass(frozen=True)
class Services:
    """Every service, wired to one database and one clock."""

    residents: Residents
    roles: Roles
    privacy: Privacy
    counts: Counts
    groups: Groups
    outbox: Outbox
    audit: Audit
    broadcasts: Broadcasts
    volunteers: Volunteers
    availability: Availabilities
    applications: Applications
    call_requests: CallRequests
    regular_calls: RegularCalls
    activities: Activities
    reminders: Reminders
    checkins: Checkins
    safety_net: SafetyNet
    emergency_contacts: EmergencyContacts
    undelivered_checkins: UndeliveredCheckins
    stats: Stats
    selfcheck: SelfChecks
    understanding: Understanding
    sources: Sources
    partners: Partners
    links: Links

    @classmethod
    def create(
        cls,
        db: Database,
        clock: Clock,
        catalogs: Catalogs | None = None,
        default_language: str = "nl",
        call_policy: CallPolicy | None = None,
        checkin_policy: CheckinPolicy | None = None,
        min_count: int = DEFAULT_MIN_COUNT,
        feed_interval: timedelta = timedelta(hours=6),
    ) -> Services:
        """``catalogs`` render the messages services send on their own (default: Amsterdam)."""
        texts = catalogs or Catalogs.load(ZoneInfo("Europe/Amsterdam"), clock)
        zone = texts.get(default_language).zone
        counts = Counts(db, clock, zone)
        outbox = Outbox(db, clock)
        audit = Audit(db, clock)
        roles = Roles(db, clock, audit)
        partners = Partners(db, clock, roles, audit)
        volunteers = Volunteers(
            db, clock, roles, outbox, counts, texts, default_language, audit, partners
        )
        call_policy = call_policy or CallPolicy()
        call_requests = CallRequests(db, clock, volunteers, outbox, counts, texts, call_policy)
        checkin_policy = checkin_policy or CheckinPolicy()
        desk = CallDesk(call_requests)
        places = Places.load()
        activities = Activities(db, clock, places, zone, audit)
        return cls(
            residents=Residents(db, clock, counts),
            roles=roles,
            privacy=Privacy(db, clock, counts, Retention(phone_days=call_policy.retention.days)),
            counts=counts,
            groups=Groups(db, clock),
            outbox=outbox,
            audit=audit,
            broadcasts=Broadcasts(db, clock, outbox, audit, counts, texts),
            stats=Stats(db, clock, zone, min_count),
            volunteers=volunteers,
            availability=Availabilities(db, clock, zone),
            applications=Applications(
                db, clock, roles, outbox, counts, texts, default_language, volunteers
            ),
            call_requests=call_requests,
            regular_calls=RegularCalls(
                db, clock, call_requests, volunteers, outbox, counts, texts, call_policy
            ),
            activities=activities,
            reminders=Reminders(db, clock, outbox, texts, checkin_policy),
            checkins=Checkins(db, clock, outbox, counts, texts, checkin_policy, desk),
            safety_net=SafetyNet(
                db, clock, outbox, counts, texts, checkin_policy, desk, volunteers
            ),
            emergency_contacts=EmergencyContacts(db, clock, counts, outbox, texts),
            undelivered_checkins=UndeliveredCheckins(db, clock, outbox, texts),
            selfcheck=SelfChecks(db, clock, outbox, counts, texts, checkin_policy),
            understanding=Understanding(counts),
            sources=Sources(
                db, clock, activities, outbox, volunteers, places, zone.key, feed_interval
            ),
            partners=partners,
            links=Links(db, clock),
        )
