"""Writing an announcement, choosing who gets it, and the preview exactly as they will see it."""

from __future__ import annotations

import html

from bot.buttons import Prefix, args_of
from bot.chat.conversation import Conversation
from bot.chat.incoming import Kind
from bot.chat.message import Choice, Reply
from bot.services.broadcasts import (
    Audience,
    AudienceKind,
    Broadcast,
    telegram_length,
    too_long,
)
from bot.services.roles import Role
from handlers.auth import only_for
from handlers.broadcast.drafts import cancel_choice, choice, number, own_draft

WRITE = "broadcast.write"


@only_for(Role.COORDINATOR)
async def start_broadcast(c: Conversation) -> None:
    await c.ask(
        WRITE,
        Reply(
            c.t._(
                "<b>New announcement</b>\n\nWrite your message and send it to me. "
                "You can also send a photo with a caption.\n\nType /cancel to stop."
            ),
            menu=True,
        ),
    )


async def wrote(c: Conversation) -> None:
    """The text (or photo with caption): check the length, keep it as a draft."""
    if not await c.runtime.services.roles.has(c.person.id, Role.COORDINATOR):
        await c.close_question()
        return
    incoming = c.incoming
    photo = incoming.file if incoming.kind is Kind.MEDIA and incoming.media == "photo" else None
    plain = incoming.text if incoming.kind is Kind.TEXT or photo else ""
    if not plain.strip():
        await c.ask(
            WRITE, Reply(c.t._("Please send a text, or a photo with a caption."), menu=True)
        )
        return
    limit = too_long(plain, photo is not None)
    if limit is not None:
        text = c.t._(
            "Your message has %(length)s characters. Telegram allows at most %(limit)s. "
            "Please make it shorter and send it again.",
            length=number(c, telegram_length(plain)),
            limit=number(c, limit),
        )
        await c.ask(WRITE, Reply(text, menu=True))
        return
    # The coordinator's own formatting (bold, links) is kept; typed tags stay text.
    text = incoming.html or html.escape(plain)
    draft = await c.runtime.services.broadcasts.draft(c.person.id, c.t.language, text, photo)
    await c.close_question()
    await c.say(Reply(c.t._("Who should get this message?"), choices=await _audiences(c, draft)))


async def _audiences(c: Conversation, draft: Broadcast) -> tuple[tuple[Choice, ...], ...]:
    count = c.runtime.services.broadcasts.count
    every = await count(Audience(AudienceKind.ALL))
    rows = [
        choice(
            c.t._("All residents (%(n)s)", n=number(c, every)),
            Prefix.BROADCAST_AUDIENCE,
            draft.id,
            "all",
        )
    ]
    for language in c.runtime.catalogs.languages:
        readers = await count(Audience(AudienceKind.LANGUAGE, language))
        label = c.t._(
            "Residents who read %(language)s (%(n)s)",
            language=c.t.language_name(language),
            n=number(c, readers),
        )
        rows.append(choice(label, Prefix.BROADCAST_AUDIENCE, draft.id, f"lang:{language}"))
    rows.append(choice(c.t._("Residents of one area…"), Prefix.BROADCAST, "areas", draft.id))
    volunteers = await count(Audience(AudienceKind.VOLUNTEERS))
    rows.append(
        choice(
            c.t._("Volunteers (%(n)s)", n=number(c, volunteers)),
            Prefix.BROADCAST_AUDIENCE,
            draft.id,
            "vol",
        )
    )
    rows.append(cancel_choice(c, draft))
    return tuple(rows)


async def show_areas(c: Conversation, draft: Broadcast) -> None:
    """bc:areas:<id>: the audience choices become the postcode areas residents gave."""
    areas = await c.runtime.services.broadcasts.areas()
    if not areas:
        await c.say(Reply(c.t._("No resident has told Samen their postcode yet.")))
        return
    rows = tuple(
        choice(
            c.t._("Postcode %(area)s (%(n)s)", area=area, n=number(c, n)),
            Prefix.BROADCAST_AUDIENCE,
            draft.id,
            f"area:{area}",
        )
        for area, n in areas
    )
    await c.update(Reply(c.t._("Who should get this message?"), choices=rows))


@only_for(Role.COORDINATOR)
async def chose_audience(c: Conversation) -> None:
    """bca:<id>:<audience>: show the preview exactly as residents will see it."""
    broadcast_id, audience_text = args_of(c.incoming.data)
    audience = Audience.decode(audience_text)
    draft = await own_draft(c, broadcast_id)
    if draft is None or audience is None:
        return
    broadcasts = c.runtime.services.broadcasts
    await broadcasts.set_audience(draft.id, audience)
    await c.acknowledge()
    await c.clear_choices()
    recipients = await broadcasts.count(audience)
    await c.say(Reply(c.t._("<b>Preview</b> – this is what people will see:")))
    await c.say(Reply(draft.text, photo=draft.photo_file_id))
    summary = c.t.ngettext(
        "This goes to %(n)s person. Residents who stopped messages are not included.",
        "This goes to %(n)s people. Residents who stopped messages are not included.",
        recipients,
    )
    choices = (
        choice(c.t._("📤 Send now"), Prefix.BROADCAST, "now", draft.id),
        choice(c.t._("🕒 Send later"), Prefix.BROADCAST, "later", draft.id),
        cancel_choice(c, draft),
    )
    await c.say(Reply(summary, choices=choices))
