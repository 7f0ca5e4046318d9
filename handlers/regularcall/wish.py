"""The resident asks for a weekly call: days → part of the day → interests and language →
number → done.

Written against the conversation layer (``bot.chat``). Nothing is stored until the wish
is complete: what was chosen so far rides in the choices (days mask, part, language,
interests mask, the number's digits), so a restart in the middle strands nobody. Only
"📱 Another number" opens a question (the person types or shares their number); its data
holds the wish. A number Samen already has is offered, not asked again. The service
checks everything again, so a forged choice can at most make a wish for the presser.
"""

from __future__ import annotations

from babel.dates import get_day_names

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation, consented
from bot.chat.incoming import Kind
from bot.chat.message import Choice, Reply, choices
from bot.i18n import N_
from bot.services.availability import EVERY_DAY
from bot.services.callme.moments import PART_HOURS, DayPart
from bot.services.callme.phones import display_phone
from bot.services.regularcall import INTERESTS, Problem, Refused
from handlers.callme.phone import answered_number, is_cancel, phone_question
from handlers.callme.request import consent_offer

ASK_PHONE = "regularcall.phone"  # the open question; its data: the wish so far
PART_LABELS: dict[DayPart, str] = {
    DayPart.MORNING: N_("🌅 Morning (%(start)s–%(end)s)"),
    DayPart.AFTERNOON: N_("☀️ Afternoon (%(start)s–%(end)s)"),
    DayPart.EVENING: N_("🌆 Evening (%(start)s–%(end)s)"),
}
OTHER_LANGUAGE = {"nl": "en", "en": "nl"}


def part_label(c: Conversation, part: DayPart) -> str:
    start, end = PART_HOURS[part]
    return c.t._(PART_LABELS[part], start=f"{start:%H:%M}", end=f"{end:%H:%M}")


async def start_wish(c: Conversation) -> None:
    """rc:new: the days first (none chosen yet)."""
    if not consented(c):
        await c.say(Reply(c.t._("Before a volunteer can call you, please read the privacy text.")))
        await c.say(consent_offer(c))
        return
    await c.update(_days_screen(c, 0))


def _days_screen(c: Conversation, days: int) -> Reply:
    names = get_day_names("wide", locale=c.t.locale)
    rows = [
        Choice(
            ("✓ " if days & (1 << w) else "") + str(names[w]).capitalize(),
            encode(Prefix.REGULAR_DAYS, "pick", str(days ^ (1 << w))),
        )
        for w in range(7)
    ]
    rows.append(Choice(c.t._("Every day"), encode(Prefix.REGULAR_DAYS, "pick", str(EVERY_DAY))))
    if days:
        rows.append(Choice(c.t._("➡️ Next"), encode(Prefix.REGULAR_DAYS, "done", str(days))))
    return Reply(
        c.t._(
            "🔁 <b>A call every week</b>\n\n"
            "On which days may the volunteer call you? Tap one or more days, then “➡️ Next”."
        ),
        choices=choices(*rows),
    )


async def chose_days(c: Conversation) -> None:
    """rcd:pick:<days> shows the days again; rcd:done:<days> asks the part of the day."""
    action, raw = args_of(c.incoming.data)
    days = int(raw)
    if action == "pick" or not 1 <= days <= EVERY_DAY:
        await c.update(_days_screen(c, days & EVERY_DAY))
        return
    await c.update(
        Reply(
            c.t._("At what time of day?"),
            choices=choices(
                *(
                    Choice(part_label(c, part), encode(Prefix.REGULAR_PART, str(days), part.value))
                    for part in DayPart
                )
            ),
        )
    )


async def chose_part(c: Conversation) -> None:
    """rcp:<days>:<part>: interests and language next (the resident's own language)."""
    days, part = args_of(c.incoming.data)
    language = c.resident.language if c.resident is not None else c.t.language
    own = language if language in OTHER_LANGUAGE else "nl"
    await c.update(_interests_screen(c, (days, part, own), 0))


def _interests_screen(c: Conversation, wish: tuple[str, str, str], interests: int) -> Reply:
    days, part, language = wish

    def data(action: str, lang: str, chosen: int) -> str:
        return encode(Prefix.REGULAR_INTERESTS, action, days, part, lang, str(chosen))

    rows = [
        Choice(
            ("✓ " if interests & (1 << bit) else "") + c.t._(label),
            data("pick", language, interests ^ (1 << bit)),
        )
        for bit, label in enumerate(INTERESTS)
    ]
    other = OTHER_LANGUAGE[language]
    rows.append(
        Choice(
            c.t._("🗣 In %(language)s instead", language=c.t.language_name(other)),
            data("pick", other, interests),
        )
    )
    rows.append(Choice(c.t._("➡️ Next"), data("done", language, interests)))
    return Reply(
        c.t._(
            "What do you like to talk about? This helps us find a volunteer who fits. "
            "You may skip this: tap “➡️ Next”.\n\n"
            "The volunteer speaks <b>%(language)s</b> with you.",
            language=c.t.language_name(language),
        ),
        choices=choices(*rows),
    )


async def chose_interests(c: Conversation) -> None:
    """rci:<pick|done>:<days>:<part>:<language>:<interests>."""
    action, days, part, language, raw = args_of(c.incoming.data)
    interests = int(raw) & ((1 << len(INTERESTS)) - 1)
    if action == "pick":
        await c.update(_interests_screen(c, (days, part, language), interests))
        return
    wish = f"{days}:{part}:{language}:{interests}"
    resident = c.resident
    known = (
        await c.runtime.services.call_requests.known_phone(resident.telegram_id)
        if resident is not None
        else None
    )
    if known is None:
        await _ask_phone(c, wish)
        return
    await c.update(
        Reply(
            c.t._(
                "We give the volunteer your number <b>%(phone)s</b>. Is that right?",
                phone=display_phone(known),
            ),
            choices=choices(
                Choice(
                    c.t._("✅ Yes, this number"),
                    encode(Prefix.REGULAR_PHONE, *wish.split(":"), known.lstrip("+")),
                ),
                Choice(
                    c.t._("📱 Another number"),
                    encode(Prefix.REGULAR_PHONE, *wish.split(":"), "new"),
                ),
            ),
        )
    )


async def chose_phone(c: Conversation) -> None:
    """rcn:<days>:<part>:<language>:<interests>:<digits|new>."""
    *wish, digits = args_of(c.incoming.data)
    if digits == "new":
        await c.clear_choices()
        await _ask_phone(c, ":".join(wish))
        return
    await _finish(c, ":".join(wish), "+" + digits)


async def _ask_phone(c: Conversation, wish: str) -> None:
    text = c.t._(
        "Which number may the volunteer call? Tap “📱 Share my phone number” below. "
        "Or type your number, for example 06 1234 5678."
    )
    await c.ask(ASK_PHONE, phone_question(c.t, text), wish=wish)


async def answered_phone(c: Conversation) -> None:
    """The phone question's answer: a shared contact or a typed number (or cancel)."""
    question = c.question
    wish = str(question.data.get("wish", "")) if question is not None else ""
    if c.incoming.kind is Kind.TEXT and is_cancel(c, c.incoming.text):
        await c.close_question()
        await c.say(Reply(c.t._("Fine. Nothing has been saved."), menu=True))
        return
    phone = await answered_number(c)
    if phone is not None:
        await c.close_question()
        thanks = c.t._("Thank you. We will call <b>%(phone)s</b>.", phone=display_phone(phone))
        await c.say(Reply(thanks, menu=True))
        await _finish(c, wish, phone)


async def _finish(c: Conversation, wish: str, phone: str) -> None:
    """Store the wish; the service asks the volunteer who fits."""
    resident = c.resident
    parts = wish.split(":")
    if resident is None or not consented(c) or len(parts) != 4:
        await c.say(Reply(c.t._("Sorry, that did not work. Please type /weekly to try again.")))
        return
    days, part, language, interests = parts
    try:
        await c.runtime.services.regular_calls.ask(
            resident.telegram_id, (int(days), DayPart(part), language, int(interests)), phone
        )
    except Refused as refused:
        text = (
            c.t._("You already have a weekly call. Type /weekly to see it.")
            if refused.problem is Problem.ALREADY
            else c.t._("Sorry, that did not work. Please type /weekly to try again.")
        )
        await c.say(Reply(text))
        return
    await c.say(
        Reply(
            c.t._(
                "✅ <b>Your wish is in.</b>\n\n"
                "We are looking for a volunteer who fits. When one says yes, you get a "
                "message with their first name. Then they call you every week.\n\n"
                "To see, pause or end it: type /weekly."
            )
        )
    )
