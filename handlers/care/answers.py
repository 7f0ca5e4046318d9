"""Answers to a check-in: by choice or typed, and what Samen says back.

Written against the conversation layer (``bot.chat``). A good day gets a kind word; a
so-so day one activity nearby this week; a bad day who can help and a call; a very bad
day 113 and 112 first. Typed answers ("goed", "niet zo goed", 🙁) soon after a check-in
count as its answer: that is how a check-in that came as a WhatsApp template (no
buttons) is answered.
"""

from __future__ import annotations

import html
from datetime import datetime

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation
from bot.chat.journeys import Journeys
from bot.chat.menu import MENU_LABELS, MenuAction
from bot.chat.message import Choice, Reply, choices
from bot.i18n import N_, Translator
from bot.services.activities.catalog import Hit, SearchQuery, When
from bot.services.care.checkins import Answer
from bot.services.care.moods import (
    MOOD_LABELS,
    Mood,
    mood_from_text,
    render_checkin,
    slot_code,
    slot_from_code,
)
from bot.services.places.geo import parse_postcode
from handlers.activities.texts import when_text
from handlers.callme.request import call_me_button_data
from handlers.expired import choice_expired
from handlers.helplines import crisis_help, desk_help

KIND_WORDS = (
    N_("That is good to hear! Enjoy your day."),
    N_("How nice! Thank you for letting me know."),
    N_("Good to hear. Take care of yourself today."),
)


def register(journeys: Journeys) -> None:
    journeys.choice(Prefix.MOOD, chose_mood)
    journeys.typed_answer(typed_checkin_answer)


async def chose_mood(c: Conversation) -> None:
    """mood:<slot>:<mood>, a choice under a check-in (or under its reminder)."""
    code, value = args_of(c.incoming.data)
    slot = slot_from_code(code)
    answer = await c.runtime.services.checkins.answer(c.person.id, slot, Mood(value))
    if answer is None:  # not this person's check-in, or forged
        await choice_expired(c)
        return
    await c.acknowledge()
    await c.show_answered(Reply(_with_choice(c, slot, answer.mood)))
    await c.runtime.services.safety_net.resident_answered(c.person.id, slot)
    await _respond(c, answer, slot)


async def typed_checkin_answer(c: Conversation) -> bool:
    """A typed "goed", "niet zo goed" or 🙁 soon after a check-in is its answer; False
    when the text is no mood or no check-in waits for one."""
    mood = mood_from_text(c.incoming.text)
    if mood is None or c.resident is None:
        return False
    checkins = c.runtime.services.checkins
    me = c.person.id
    slot = await checkins.awaiting_answer(me)
    answer = await checkins.answer(me, slot, mood) if slot is not None else None
    if slot is None or answer is None:
        return False
    message_id = await checkins.checkin_message_id(me, slot)
    if message_id is not None:
        await c.replace_earlier(message_id, _with_choice(c, slot, mood))
    await c.runtime.services.safety_net.resident_answered(me, slot)
    await _respond(c, answer, slot)
    return True


def _with_choice(c: Conversation, slot: datetime, mood: Mood) -> str:
    """The check-in's question with the chosen answer, without choices.

    The answer stays on screen ("You chose: 😐 So-so"), so the person sees what
    Samen heard instead of choices that just vanish.
    """
    first_name = c.resident.first_name if c.resident is not None else c.person.first_name
    question = render_checkin(c.t, first_name, c.person.id, slot).text
    return question + "\n\n" + c.t._("You chose: %(answer)s", answer=c.t._(MOOD_LABELS[mood]))


async def _respond(c: Conversation, answer: Answer, slot: datetime) -> None:
    """The reply fits how they feel: the stronger the signal, the more direct the help.

    🙂 a warm word; 😐 warmth and one suggestion; 🙁 a call now and the social work
    desk; 😢 113 and 112 first, then the call. Crisis lines appear only for 😢, so
    someone who answers "so-so" every day is not shown a suicide line every day.
    """
    t = c.t
    parts: list[str] = []
    if answer.mood is Mood.VERY_BAD:
        parts.append(crisis_help(c))
    if not answer.first:
        parts.append(t._("You already answered this check-in. Thank you!"))
    elif answer.late:
        parts.append(t._("Thank you, good to hear from you."))
    if answer.task_cancelled:
        parts.append(t._("We told the volunteers you are fine, so nobody will call you for this."))
    elif answer.task_open:
        parts.append(
            t._(
                "A volunteer may still call you, just to check. "
                "That is fine: you can tell them how you are."
            )
        )
    if answer.mood is Mood.GOOD:
        if answer.first:  # a different warm word from day to day
            parts.append(t._(KIND_WORDS[int(slot_code(slot)) // 1440 % len(KIND_WORDS)]))
        await c.say(Reply("\n\n".join(parts), menu=True))
        return
    help_parts, offer = await _help_for(c, answer.mood)
    await c.say(Reply("\n\n".join(parts + help_parts), choices=choices(offer)))


async def _help_for(c: Conversation, mood: Mood) -> tuple[list[str], Choice]:
    """The words and the one choice for 😐, 🙁 and 😢 (crisis lines come before these)."""
    t = c.t
    if mood is Mood.OKAY:
        suggestion, offer = await _one_suggestion(c)
        return [t._("Thank you for telling me. Some days are like that."), suggestion], offer
    call = t._("Would you like to talk to someone? A volunteer can call you.")
    if mood is Mood.BAD:
        sorry = t._("Thank you for telling me. I am sorry you are not feeling well.")
        return [sorry, call, desk_help(c)], call_me_choice(t)
    sorry = t._(
        "Thank you for telling me. I am sorry it is so hard right now. "
        "You do not have to carry this alone."
    )
    return [sorry, call], call_me_choice(t)


def call_me_choice(t: Translator) -> Choice:
    """The start of the call request journey, as a choice under an answer."""
    return Choice(t._(MENU_LABELS[MenuAction.CALL_ME]), call_me_button_data())


async def _one_suggestion(c: Conversation) -> tuple[str, Choice]:
    """For 😐: an activity this week near their postcode, or else the offer of a call."""
    t = c.t
    hit = await _nearby_this_week(c)
    if hit is None:
        return t._("Would you like a chat? A volunteer can call you."), call_me_choice(t)
    text = t._(
        "Maybe something for this week, close to you:\n<b>%(title)s</b>\n%(when)s · %(place)s",
        title=html.escape(hit.title(t.language)),
        when=when_text(t, hit.starts_at, hit.all_day, short=True),
        place=html.escape(hit.place_name),
    )
    return text, Choice(t._("🔎 Tell me more"), encode(Prefix.ACT_DETAILS, str(hit.id)))


async def _nearby_this_week(c: Conversation) -> Hit | None:
    """The nearest activity this week around the postcode they gave under “My data”."""
    area = c.resident.postcode_area if c.resident is not None else None
    code = parse_postcode(area) if area else None
    activities = c.runtime.services.activities
    place = activities.places.postcode(code) if code else None
    if place is None:
        return None
    page = await activities.search(SearchQuery(place.lat, place.lon, when=When.WEEK))
    return page.hits[0] if page.hits else None
