"""The questions of adding or changing an activity (channel-neutral): each field's
label, its prompt, the order of the questions when adding, and a field's value as a
keeper reads it."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from bot.i18n import N_, Translator
from bot.services.activities import fields
from bot.services.activities.fields import ActivityData
from bot.services.activities.kinds import AUDIENCE_LABELS, KIND_LABELS
from handlers.activities.texts import cost_text

FIELD_LABELS: dict[str, str] = {
    "title_nl": N_("Title (Dutch)"),
    "title_en": N_("Title (English)"),
    "descr_nl": N_("Description (Dutch)"),
    "descr_en": N_("Description (English)"),
    "kind": N_("Kind"),
    "audience": N_("For whom"),
    "organiser": N_("Organiser"),
    "place": N_("Place"),
    "address": N_("Address"),
    "location": N_("Pin on the map"),
    "start": N_("Start"),
    "end": N_("End"),
    "repeat": N_("Repeats"),
    "cost": N_("Cost"),
    "wheelchair": N_("Wheelchair accessible"),
    "hearing_loop": N_("Hearing loop"),
    "phone": N_("Phone"),
    "website": N_("Website"),
}
PROMPTS: dict[str, str] = {
    "title_nl": N_("What is the activity called? Please type it in Dutch."),
    "title_en": N_("What is the activity called in English?"),
    "descr_nl": N_("Describe the activity in one or two sentences, in Dutch."),
    "descr_en": N_("Describe the activity in one or two sentences, in English."),
    "kind": N_("What kind of activity is it?"),
    "audience": N_(
        "Who is it meant for? Residents do not see activities for young people "
        "unless they ask for them."
    ),
    "organiser": N_("Who organises it?"),
    "place": N_("Where is it? Type the name of the place, for example Bibliotheek Heemstede."),
    "address": N_(
        "What is the address? With the postcode, for example Julianaplein 1, 2101 EA Heemstede."
    ),
    "location": N_(
        "Where exactly is it on the map? Share a location (📎 → Location), "
        "or type the coordinates, for example 52.3574, 4.6222."
    ),
    "start": N_(
        "When is it (the first time)? Type the date and the time, "
        "for example 1-12-2026 10:00. Only a date means all day."
    ),
    "end": N_(
        "When does it end? Type a time, for example 11:30. "
        "For an activity of whole days: type the last day."
    ),
    "repeat": N_("Does it repeat?"),
    "cost": N_("What does it cost? Type the price, for example € 2,50."),
    "wheelchair": N_("Can people in a wheelchair get in?"),
    "hearing_loop": N_("Is there a hearing loop?"),
    "phone": N_("Which phone number can people call with questions?"),
    "website": N_("Which website has more information?"),
}
REPEAT_LABELS: dict[str, str] = {
    "once": N_("Only once"),
    "weekly": N_("Every week"),
    "biweekly": N_("Every two weeks"),
    "monthly": N_("Every month (same weekday)"),
}
ADD_STEPS = (
    "title_nl",
    "descr_nl",
    "kind",
    "organiser",
    "place",
    "address",
    "location",
    "start",
    "end",
    "repeat",
    "cost",
    "phone",
)
# Fields that may be empty: "Skip" when adding, "Make empty" when changing.
OPTIONAL = frozenset({"title_en", "descr_nl", "descr_en", "address", "end", "phone", "website"})


def value_text(t: Translator, data: ActivityData, name: str) -> str:
    """A field's current value as a coordinator reads it."""
    s = data.schedule
    simple = {
        "title_nl": data.title_nl,
        "title_en": data.title_en,
        "descr_nl": data.description_nl,
        "descr_en": data.description_en,
        "organiser": data.organiser,
        "place": data.place_name,
        "address": data.address,
        "phone": data.phone,
        "website": data.website,
        "location": f"{data.lat:.5f}, {data.lon:.5f}",
        "start": s.start_local.replace("T", " "),
        "end": end_text(data),
    }
    if name in simple:
        return html.escape(simple[name]) if simple[name] else t._("(empty)")
    if name == "kind":
        return t._(KIND_LABELS[data.kind])
    if name == "audience":
        return t._(AUDIENCE_LABELS[data.audience])
    if name == "repeat":
        repeat = fields.repeat_of(s)
        return t._(REPEAT_LABELS[repeat]) if repeat else html.escape(s.rrule or "")
    if name == "cost":
        return cost_text(t, data.free, data.price)
    flag = data.wheelchair if name == "wheelchair" else data.hearing_loop
    return t._("Yes") if flag else t._("No")


def end_text(data: ActivityData) -> str:
    """The end as it is typed: a time (a date and time past midnight), or the last day."""
    s = data.schedule
    start = datetime.fromisoformat(s.start_local)
    end = start + timedelta(minutes=s.duration_min)
    if s.all_day:
        return (end - timedelta(days=1)).strftime("%d-%m-%Y")
    return end.strftime("%H:%M" if end.date() == start.date() else "%d-%m-%Y %H:%M")
