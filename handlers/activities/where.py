"""Where to look for activities, on the conversation layer: a shared location, a typed
postcode, or one of the neighbourhoods Samen knows; then the results straight away.

"Where shall I look?" is an open question (``WHERE``, Samen's own store): while it is
open, any typed text answers it ("Heemstede" hears how to write a postcode), except
words that mean something of their own (crisis words, "bel mij"), which go where they
belong. A postcode typed without being asked starts a search too, and typos of one
are answered kindly; "112" and "113" alone are calls for help, never postcodes.
A location shared at any time searches there. Browsing stores nothing.
"""

from __future__ import annotations

import html

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation, consented
from bot.chat.incoming import Incoming, Kind
from bot.chat.journeys import Journeys
from bot.chat.menu import MENU_LABELS, MenuAction
from bot.chat.message import Ask, Choice, Reply
from bot.services.activities.catalog import When
from bot.services.activities.kinds import KIND_LABELS
from bot.services.activities.kinds import Kind as ActivityKind
from bot.services.places.geo import POSTCODE_LIKE, Places, Postcode, parse_postcode
from bot.services.residents import Resident
from bot.services.roles import Role
from bot.services.understanding.reader import Meaning, understand
from handlers.activities.browse import Origin, Search, decode_origin, location_origin, page_reply
from handlers.activities.details import manage_choice
from handlers.activities.reminders import my_reminders
from handlers.expired import choice_expired

WHERE = "activities.where"

# Typed meanings that go where they belong even while Samen asks where to look.
NOT_ABOUT_A_PLACE = frozenset(
    {Meaning.CRISIS, Meaning.CALL, Meaning.LONELY, Meaning.STOP, Meaning.DELETE}
)


def about_a_place(text: str) -> bool:
    """Text that may answer "where shall I look?"; "ik wil niet meer leven" or "112" never."""
    return understand(text).meaning not in NOT_ABOUT_A_PLACE


def looks_like_postcode(text: str) -> bool:
    """'2101', '2101 AB', and typos of them ('210', '21O1'), but not "112" or "113"."""
    return POSTCODE_LIKE.match(text) is not None and about_a_place(text)


def _answers_where(incoming: Incoming) -> bool:
    return incoming.kind is Kind.LOCATION or about_a_place(incoming.text)


def pairs(items: list[Choice]) -> tuple[tuple[Choice, ...], ...]:
    """Choices two to a row: big enough to tap, few enough rows to see at once."""
    return tuple(tuple(items[i : i + 2]) for i in range(0, len(items), 2))


# --------------------------------------------------------------------------- asking


async def show_activities(c: Conversation) -> None:
    """The menu's "🔎 Activities": ask where to look (location, postcode, neighbourhood)."""
    t = c.t
    ask = Reply(
        t._(
            "<b>Activities nearby</b> 🔎\n\n"
            "Where shall I look?\n"
            "• Tap “📍 Share my location” below.\n"
            "• Or type your postcode, for example 2101 AB.\n"
            "• Or choose a neighbourhood."
        ),
        ask=Ask.LOCATION,
        ask_also=(t._(MENU_LABELS[MenuAction.BACK]),),
        placeholder=t._("For example 2101 AB"),
    )
    await c.ask(WHERE, ask)
    places = c.runtime.services.activities.places.neighbourhoods
    rows = pairs([Choice(p.name, encode(Prefix.ACT_PLACE, p.key)) for p in places])
    if consented(c):
        rows += ((my_reminders(t),),)
    if await c.runtime.services.roles.has(c.person.id, Role.COORDINATOR):
        rows += ((manage_choice(t),),)
    if rows:
        await c.say(Reply(t._("Choose a neighbourhood:"), choices=rows))


async def answered_where(c: Conversation) -> None:
    """The answer to "where shall I look?": a location, a postcode, or how to give one."""
    incoming = c.incoming
    if incoming.kind is Kind.LOCATION:
        await on_location(c)
    elif POSTCODE_LIKE.match(incoming.text):
        await typed_postcode(c)
    else:
        await c.say(
            Reply(
                c.t._(
                    "To find activities near you, I need to know where you are. "
                    "Please type your postcode: 4 digits, and often 2 letters, "
                    "for example 2101 AB. Or tap “📍 Share my location”, "
                    "or choose a neighbourhood above."
                )
            )
        )


# --------------------------------------------------------------------------- answers


async def on_location(c: Conversation) -> None:
    """A shared location (asked for, or sent with the paperclip): search there."""
    latitude, longitude = c.incoming.latitude, c.incoming.longitude
    if latitude is None or longitude is None:
        return
    origin = location_origin(latitude, longitude)
    await _start_search(c, origin, c.t._("Thank you! I will look near you."))


async def on_neighbourhood(c: Conversation) -> None:
    """ap:<key>: search in a neighbourhood from data/neighbourhoods.csv."""
    origin = decode_origin(c.runtime.services.activities.places, "n" + args_of(c.incoming.data)[0])
    if origin is None or origin.place is None:
        await choice_expired(c)
        return
    await c.acknowledge()
    note = c.t._("I will look in and near %(place)s.", place=html.escape(origin.place.name))
    await _start_search(c, origin, note)


async def typed_postcode(c: Conversation) -> None:
    """'2101', '2101 AB', '2101ab', '21O1'; a typo or an unknown postcode hears why."""
    t = c.t
    code = parse_postcode(c.incoming.text)
    if code is None:
        text = t._(
            "That is not a postcode. A postcode has 4 digits, "
            "and often 2 letters: for example 2101 or 2101 AB."
        )
        await c.say(Reply(text, menu=True))
        return
    places = c.runtime.services.activities.places
    place = places.postcode(code)
    if place is None:
        text = t._(
            "I do not know postcode %(postcode)s. Samen knows the postcodes of "
            "%(places)s. Try a postcode there, or share your location.",
            postcode=html.escape(str(code)),
            places=html.escape(", ".join(places.postcode_places)),
        )
        await c.say(Reply(text, menu=True))
        return
    origin = Origin("p" + code.digits, place.lat, place.lon, place)
    await _start_search(
        c, origin, t._("I will look near postcode %(postcode)s.", postcode=str(code))
    )


async def _start_search(c: Conversation, origin: Origin, note: str) -> None:
    """The question is answered: confirm the place (bringing back the menu), then the
    results straight away, soonest nearby first, the filters one tap away under them."""
    await c.close_question()
    await c.say(Reply(note, menu=True))
    await show_results(c, Search(origin))


# --------------------------------------------------------------------------- for others


async def show_results(c: Conversation, search: Search) -> None:
    """One page of results as a new message (typed "koffie morgen", handlers.listen)."""
    await c.say(await page_reply(c.runtime, c.t, search))


def home_origin(resident: Resident | None, places: Places) -> Origin | None:
    """The postcode the resident gave under My data, as where to look from."""
    if resident is None or not resident.postcode_area:
        return None
    place = places.postcode(Postcode(resident.postcode_area))
    if place is None:
        return None
    return Origin("p" + resident.postcode_area, place.lat, place.lon, place)


async def suggest_activities(
    c: Conversation, kind: ActivityKind | None = None, when: When | None = None
) -> None:
    """Activities of a kind and time someone typed ("koffie morgen"): the results near
    their postcode under My data; without one, the neighbourhoods, each a search."""
    places = c.runtime.services.activities.places
    origin = home_origin(c.resident, places)
    if origin is not None:
        await show_results(c, Search(origin, kind, when or When.ANY))
        return
    t = c.t
    what = t._("I will look for “%(kind)s”.", kind=t._(KIND_LABELS[kind])) + " " if kind else ""
    searches = [
        Choice(
            p.name,
            Search(Origin("n" + p.key, p.lat, p.lon, p), kind, when or When.ANY).results_data(),
        )
        for p in places.neighbourhoods
    ]
    text = what + t._(
        "Where shall I look for activities? Choose your neighbourhood. "
        "You can also tap “🔎 Activities” below and type your postcode."
    )
    await c.say(Reply(text, choices=pairs(searches)))


def register(journeys: Journeys) -> None:
    journeys.menu(MenuAction.ACTIVITIES, show_activities)
    journeys.choice(Prefix.ACT_PLACE, on_neighbourhood)
    journeys.answer(WHERE, answered_where, (Kind.TEXT, Kind.LOCATION), accepts=_answers_where)
    journeys.typed("activities.postcode", looks_like_postcode, typed_postcode)
    journeys.otherwise(Kind.LOCATION, on_location)
