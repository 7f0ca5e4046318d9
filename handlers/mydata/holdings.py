"""The lines of "My data" beyond the profile: every kind of data held, and how long.

Each kind of data in ``Holdings`` has a line here, with its keeping time from the
settings (``Retention``); kinds the person has nothing of are left out.
"""

from __future__ import annotations

import html

from bot.i18n import Translator
from bot.services.callme.phones import display_phone
from bot.services.privacy import Holdings


def holding_lines(t: Translator, held: Holdings) -> list[str]:
    """One line per kind of data held beyond the profile, each with how long it is kept."""
    until_deleted = t._("until you choose “Delete everything”")
    counted = _counted_lines(t, held, until_deleted)
    return _setting_lines(t, held, until_deleted) + [line for count, line in counted if count]


def _setting_lines(t: Translator, held: Holdings, until_deleted: str) -> list[str]:
    """What the person set up or asked for, one line each."""
    lines = []
    if held.checkin_schedule:
        lines.append(t._("• Your check-in days and time: until you stop the check-ins."))
    if held.safety_net_phone:
        lines.append(
            t._(
                "• Your phone number for the safety net: %(phone)s. "
                "Kept until you turn the safety net off.",
                phone=display_phone(held.safety_net_phone),
            )
        )
    if held.emergency_contact:
        lines.append(
            t._(
                "• Your emergency contact for the safety net: %(name)s. "
                "Kept until you remove them.",
                name=html.escape(held.emergency_contact),
            )
        )
    if held.selfcheck_consent:
        lines.append(t._("• Your agreement to the monthly self-check: until you stop it."))
    if held.open_call_request:
        lines.append(
            t._(
                "• Your request to be called back, with phone number %(phone)s. "
                "The number is removed %(days)s days after the call.",
                phone=display_phone(held.open_call_request_phone)
                if held.open_call_request_phone
                else "–",
                days=held.retention.phone_days,
            )
        )
    if held.regular_call_phone:
        lines.append(
            t._(
                "• Your weekly call, with phone number %(phone)s, the days and what you "
                "like to talk about: until you end it.",
                phone=display_phone(held.regular_call_phone),
            )
        )
    if held.volunteer_name:
        lines.append(
            t._(
                "• Your volunteer profile (name %(name)s, languages, on duty): %(until)s.",
                name=html.escape(held.volunteer_name),
                until=until_deleted,
            )
        )
    if held.in_conversation:
        lines.append(t._("• Where you are in a conversation with Samen: until it is finished."))
    return lines


def _counted_lines(
    t: Translator, held: Holdings, until_deleted: str
) -> tuple[tuple[int, str], ...]:
    """(how many, line) for each kind of data kept as rows."""
    keep = held.retention
    return (
        (
            held.checkins,
            t.ngettext(
                "• %(count)s check-in and your answer (how you felt): kept %(days)s days.",
                "• %(count)s check-ins and your answers (how you felt): kept %(days)s days.",
                held.checkins,
                count=held.checkins,
                days=keep.checkin_days,
            ),
        ),
        (
            held.selfchecks,
            t.ngettext(
                "• %(count)s monthly self-check with your answers: kept %(days)s days.",
                "• %(count)s monthly self-checks with your answers: kept %(days)s days.",
                held.selfchecks,
                count=held.selfchecks,
                days=keep.selfcheck_days,
            ),
        ),
        (
            held.reminders,
            t.ngettext(
                "• %(count)s reminder for an activity: %(until)s.",
                "• %(count)s reminders for activities: %(until)s.",
                held.reminders,
                count=held.reminders,
                until=until_deleted,
            ),
        ),
        (
            held.earlier_call_requests,
            t.ngettext(
                "• %(count)s earlier call request. The phone number and note are removed "
                "%(days)s days after the call; the rest %(until)s.",
                "• %(count)s earlier call requests. The phone number and note are removed "
                "%(days)s days after the call; the rest %(until)s.",
                held.earlier_call_requests,
                count=held.earlier_call_requests,
                days=keep.phone_days,
                until=until_deleted,
            ),
        ),
        (
            held.applications,
            t.ngettext(
                "• %(count)s request to become a volunteer: %(until)s.",
                "• %(count)s requests to become a volunteer: %(until)s.",
                held.applications,
                count=held.applications,
                until=until_deleted,
            ),
        ),
        (
            held.messages,
            t.ngettext(
                "• A note of %(count)s message Samen sent you (when, not what): "
                "kept %(days)s days.",
                "• A note of %(count)s messages Samen sent you (when, not what): "
                "kept %(days)s days.",
                held.messages,
                count=held.messages,
                days=keep.message_days,
            ),
        ),
        (
            held.announcements,
            t.ngettext(
                "• %(count)s announcement you wrote: %(until)s.",
                "• %(count)s announcements you wrote: %(until)s.",
                held.announcements,
                count=held.announcements,
                until=until_deleted,
            ),
        ),
        (
            held.activity_changes,
            t.ngettext(
                "• %(count)s change you made to activities: %(until)s.",
                "• %(count)s changes you made to activities: %(until)s.",
                held.activity_changes,
                count=held.activity_changes,
                until=until_deleted,
            ),
        ),
        (
            held.invites_used,
            t.ngettext(
                "• %(count)s invitation you used to become a volunteer: %(until)s.",
                "• %(count)s invitations you used to become a volunteer: %(until)s.",
                held.invites_used,
                count=held.invites_used,
                until=until_deleted,
            ),
        ),
        (
            held.audit_entries,
            t.ngettext(
                "• %(count)s line about your role in the coordinators' log: %(until)s.",
                "• %(count)s lines about your role in the coordinators' log: %(until)s.",
                held.audit_entries,
                count=held.audit_entries,
                until=until_deleted,
            ),
        ),
    )
