"""What every broadcast step shares: the coordinator's own draft a choice names, the
buttons that name it, and numbers in the coordinator's language."""

from __future__ import annotations

from babel.numbers import format_decimal

from bot.buttons import Prefix, encode
from bot.chat.conversation import Conversation
from bot.chat.message import Choice
from bot.services.broadcasts import Broadcast, Status
from handlers.expired import choice_expired


def number(c: Conversation, n: int) -> str:
    return format_decimal(n, locale=c.t.locale)


def choice(label: str, prefix: Prefix, *args: str | int) -> tuple[Choice]:
    """One choice on a row of its own, as every broadcast screen shows them."""
    return (Choice(label, encode(prefix, *(str(arg) for arg in args))),)


def cancel_choice(c: Conversation, draft: Broadcast) -> tuple[Choice]:
    return choice(c.t._("✖️ Cancel"), Prefix.BROADCAST, "drop", draft.id)


async def own_draft(c: Conversation, broadcast_id: str) -> Broadcast | None:
    """The person's own draft a choice names, if it still is one; else the choice has
    expired (an erased draft, or one of another coordinator: drafts are personal)."""
    draft = await c.runtime.services.broadcasts.get(int(broadcast_id))
    if draft is None or draft.status is not Status.DRAFT or draft.author_id != c.person.id:
        await choice_expired(c)
        return None
    return draft
