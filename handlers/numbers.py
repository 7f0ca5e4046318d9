"""/stats (the numbers, as text and a chart) and /audit (who did what) for coordinators."""

from __future__ import annotations

import asyncio
import html

from bot.chat.conversation import Conversation
from bot.chat.journeys import Journeys
from bot.chat.message import Document, Reply
from bot.i18n import N_, Translator
from bot.numbers import render_png, render_text
from bot.services.audit import AuditEntry
from bot.services.roles import Role
from handlers.auth import only_for
from handlers.commands import names

AUDIT_LINES = 20
# Each kind of audit entry in plain words; %(actor)s did it, %(subject)s is the person
# or activity it was about, %(role)s the role, %(detail)s the entry's detail (sources).
AUDIT_TEXTS = {
    "broadcast.scheduled": N_("%(actor)s planned an announcement"),
    "broadcast.sent": N_("%(actor)s sent an announcement"),
    "broadcast.cancelled": N_("%(actor)s cancelled an announcement"),
    "invite.created": N_("%(actor)s made an invitation for a new volunteer"),
    "role.granted": N_("%(actor)s gave %(subject)s the role %(role)s"),
    "role.revoked": N_("%(actor)s took the role %(role)s away from %(subject)s"),
    "activity.add": N_("%(actor)s added the activity “%(subject)s”"),
    "activity.edit": N_("%(actor)s changed the activity “%(subject)s”"),
    "activity.hide": N_("%(actor)s hid the activity “%(subject)s”"),
    "activity.show": N_("%(actor)s showed the activity “%(subject)s” again"),
    "partner.invited": N_("%(actor)s made an invitation for a partner of %(detail)s"),
    "partner.sources": N_("%(actor)s made %(subject)s the partner of %(detail)s"),
}
ROLE_NAMES = {
    Role.VOLUNTEER.value: N_("volunteer"),
    Role.COORDINATOR.value: N_("coordinator"),
    Role.PARTNER.value: N_("partner"),
}


@only_for(Role.COORDINATOR)
async def show_stats(c: Conversation) -> None:
    report = await c.runtime.services.stats.report()
    await c.say(Reply(render_text(report, c.t), menu=True))
    if any(section.series for section in report.sections):
        # Drawing takes a moment of CPU; keep the bot answering others meanwhile.
        png = await asyncio.to_thread(render_png, report, c.t)
        await c.send_photo(Document("samen-stats.png", png, caption=c.t._("The last 12 weeks")))


@only_for(Role.COORDINATOR)
async def show_audit(c: Conversation) -> None:
    entries = await c.runtime.services.audit.latest(AUDIT_LINES, c.t.language)
    if not entries:
        await c.say(Reply(c.t._("Nothing has been recorded yet."), menu=True))
        return
    lines = [c.t._("<b>Latest actions</b> (newest first)")]
    lines.extend(
        f"{c.t.datetime(entry.at, short=True)} · {_audit_line(entry, c.t)}" for entry in entries
    )
    await c.say(Reply("\n".join(lines), menu=True))


def _audit_line(entry: AuditEntry, t: Translator) -> str:
    """What happened, in words, with first names: never a messenger's id."""
    # No name: the person deleted their data, or (a coordinator from the settings)
    # never agreed to the privacy text, so Samen keeps no name for them.
    actor = entry.actor_name or t._("a coordinator")
    text = AUDIT_TEXTS.get(entry.action)
    if text is None:  # a kind of entry this version does not know: its name, not its ids
        return html.escape(f"{actor}: {entry.action}")
    role = ROLE_NAMES.get(entry.detail)
    subject = entry.subject_name or t._("a resident")
    return t._(
        text,
        actor=html.escape(actor),
        subject=html.escape(subject),
        role=t._(role) if role else "",
        detail=html.escape(entry.detail),
    )


def register(journeys: Journeys) -> None:
    journeys.command(names("stats"), show_stats)
    journeys.command(names("audit"), show_audit)
