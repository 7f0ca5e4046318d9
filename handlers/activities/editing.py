"""Adding an activity step by step, and changing one field, on the conversation layer.

The answers so far live in ``activity_drafts`` and the open question in Samen's own
store, so a restart in the middle loses nothing. Every answer is checked before the
next question; every saved change is recorded in ``activity_changes`` (who and when)
and in /audit. Coordinators add to 'bot' (added in Samen), partners to their sources.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation
from bot.chat.incoming import Kind as Did
from bot.chat.journeys import Journeys
from bot.chat.message import Choice, Reply, choices
from bot.i18n import Translator
from bot.services.activities import fields
from bot.services.activities.catalog import BOT_SOURCE, CHAT_ID_PREFIX
from bot.services.activities.fields import ActivityData, FieldError
from bot.services.activities.kinds import AUDIENCE_LABELS, KIND_LABELS, Audience, Kind
from handlers.activities.details import details_reply
from handlers.activities.keepers import keepers_only, may_change
from handlers.activities.prompts import ADD_STEPS, OPTIONAL, PROMPTS, REPEAT_LABELS, value_text
from handlers.activities.texts import cost_text, when_text
from handlers.expired import choice_expired

QUESTION = "activities.field"
Draft = dict[str, Any]


@keepers_only
async def start_add(c: Conversation) -> None:
    """am:add (a coordinator's, source 'bot') or am:add:<n> (a partner's n-th source):
    the first question of a new activity."""
    source = await _source_to_add_to(c, args_of(c.incoming.data)[1:])
    partners = c.runtime.services.partners
    if source is None or not await partners.may_change(c.person.id, source):
        await choice_expired(c)
        return
    draft: Draft = {"mode": "add", "answers": {}, "source": source}
    await c.runtime.services.activities.save_draft(c.person.id, draft)
    text = c.t._(
        "Let's add an activity. I will ask %(n)s short questions. "
        "Type /cancel to stop at any moment.",
        n=len(ADD_STEPS),
    )
    await c.say(Reply(text))
    await _ask(c, draft)


async def _source_to_add_to(c: Conversation, args: Sequence[str]) -> str | None:
    """Where a new activity goes: 'bot' (no number), or the partner's n-th source."""
    if not args:
        return BOT_SOURCE
    sources = await c.runtime.services.partners.sources_of(c.person.id)
    number = int(args[0])
    return sources[number] if number < len(sources) else None


@keepers_only
async def start_edit(c: Conversation) -> None:
    """aef:<id>:<field>: ask for the new value of one field."""
    activity_id, name = args_of(c.incoming.data)
    activity = await c.runtime.services.activities.get(int(activity_id))
    if activity is None or name not in fields.EDITABLE_FIELDS:  # the codec checks no words
        await choice_expired(c)
        return
    if not await may_change(c, activity):
        return
    draft: Draft = {"mode": "edit", "id": activity.id, "field": name}
    await c.runtime.services.activities.save_draft(c.person.id, draft)
    await _ask(c, draft, current=activity.data)


def _next_field(draft: Draft) -> str | None:
    if draft.get("mode") == "edit":
        return str(draft["field"])
    answers = draft.get("answers", {})
    return next((name for name in ADD_STEPS if name not in answers), None)


def _built(draft: Draft, c: Conversation) -> ActivityData:
    """The new activity so far: every answer applied in order (each was checked already)."""
    places = c.runtime.services.activities.places
    data = fields.blank(c.runtime.settings.timezone)
    for name in ADD_STEPS:
        if name in draft["answers"]:
            data = fields.apply(data, name, draft["answers"][name], places)
    return data


def _value(label: str, value: str) -> Choice:
    return Choice(label, encode(Prefix.ACT_VALUE, value))


def _offers(t: Translator, name: str) -> list[Choice]:
    """The choices a field's question offers besides typing."""
    offers = {
        "kind": [_value(t._(KIND_LABELS[k]), k.value) for k in Kind],
        "audience": [_value(t._(AUDIENCE_LABELS[a]), a.value) for a in Audience],
        "repeat": [_value(t._(label), key) for key, label in REPEAT_LABELS.items()],
        "wheelchair": [_value(t._("Yes"), "yes"), _value(t._("No"), "no")],
        "hearing_loop": [_value(t._("Yes"), "yes"), _value(t._("No"), "no")],
        "cost": [_value(t._("Free"), "free")],
    }
    return offers.get(name, [])


async def _ask(c: Conversation, draft: Draft, current: ActivityData | None = None) -> None:
    t = c.t
    name = _next_field(draft)
    if name is None:
        return
    adding = draft.get("mode") == "add"
    text = t._(PROMPTS[name])
    if adding:
        step = ADD_STEPS.index(name) + 1
        text = t._("Question %(step)s of %(n)s", step=step, n=len(ADD_STEPS)) + "\n" + text
    elif current is not None:
        text += "\n\n" + t._("Now: %(value)s", value=value_text(t, current, name))
    offers = _offers(t, name)
    places = c.runtime.services.activities.places
    postcode = draft["answers"].get("address", "") if adding else ""
    if name == "location" and fields.postcode_point(postcode, places):
        offers = [_value(t._("Use the postcode of the address"), "postcode")]
    if name in OPTIONAL:
        offers.append(_value(t._("Skip") if adding else t._("🗑 Make empty"), "skip"))
    pairs = [tuple(offers[i : i + 2]) for i in range(0, len(offers), 2)]
    await c.ask(QUESTION, Reply(text, choices=choices(*pairs)))


@keepers_only
async def typed_answer(c: Conversation) -> None:
    """A typed value, or a shared location for the pin on the map."""
    incoming = c.incoming
    if incoming.kind is Did.LOCATION:
        await _answer(c, f"{incoming.latitude}, {incoming.longitude}")
    else:
        await _answer(c, incoming.text)


@keepers_only
async def chosen_value(c: Conversation) -> None:
    """av:<value>: a choice under a question, the summary's save or cancel."""
    choice = args_of(c.incoming.data)[0]
    activities = c.runtime.services.activities
    draft = await activities.draft(c.person.id)
    if choice == "cancel":
        await _finish(c, c.t._("Stopped. Nothing was saved."))
        return
    if choice == "save":
        await _save(c, draft)
        return
    name = _next_field(draft) if draft else None
    if draft is None or name is None or (choice == "skip" and name not in OPTIONAL):
        await choice_expired(c)
        return
    value = "" if choice == "skip" else choice
    if choice == "postcode" and name == "location":
        point = fields.postcode_point(draft["answers"].get("address", ""), activities.places)
        value = f"{point[0]}, {point[1]}" if point else choice
    await _answer(c, value)


async def _answer(c: Conversation, value: str) -> None:
    """Check one answer; then ask the next question, show the summary, or save the edit."""
    draft = await c.runtime.services.activities.draft(c.person.id)
    name = _next_field(draft) if draft else None
    if draft is None or name is None:
        await _finish(c, c.t._("That question is closed. Here is the menu."))
        return
    if draft["mode"] == "edit":
        await _save_edit(c, int(draft["id"]), name, value)
        return
    places = c.runtime.services.activities.places
    try:
        fields.apply(_built(draft, c), name, value, places)
    except FieldError as error:
        await _retry(c, error)
        return
    draft["answers"][name] = value
    await c.runtime.services.activities.save_draft(c.person.id, draft)
    if _next_field(draft) is not None:
        await _ask(c, draft)
        return
    await _summary(c, _built(draft, c))


async def _save_edit(c: Conversation, activity_id: int, name: str, value: str) -> None:
    t = c.t
    activities = c.runtime.services.activities
    activity = await activities.get(activity_id)
    partners = c.runtime.services.partners
    if activity is None or not await partners.may_change(c.person.id, activity.source):
        await _finish(c, t._("That question is closed. Here is the menu."))
        return
    try:
        changed = fields.apply(activity.data, name, value, activities.places)
    except FieldError as error:
        await _retry(c, error)
        return
    await activities.update(activity.id, changed, c.person.id, name)
    note = t._("✅ Saved.")
    imported = activity.source != BOT_SOURCE
    if imported and not activity.data.external_id.startswith(CHAT_ID_PREFIX):
        note += " " + t._(
            "This activity comes from the file %(source)s: "
            "the next import of that file will overwrite this change.",
            source=html.escape(activity.source),
        )
    await _finish(c, note)
    await _show(c, activity.id)


async def _retry(c: Conversation, error: FieldError) -> None:
    text = c.t._("%(problem)s Please try again.", problem=c.t._(error.msgid))
    await c.say(Reply(text))


async def _summary(c: Conversation, data: ActivityData) -> None:
    t = c.t
    s = data.schedule
    place = ", ".join(p for p in (data.place_name, data.address) if p)
    lines = [
        t._("<b>Is this right?</b>"),
        "",
        f"<b>{html.escape(data.title_nl)}</b>",
        t._(KIND_LABELS[data.kind]),
        *([html.escape(data.description_nl)] if data.description_nl else []),
        t._("🕒 First time: %(when)s", when=when_text(t, s.first_start, s.all_day)),
        t._("🔁 %(repeat)s", repeat=value_text(t, data, "repeat")),
        t._("📍 %(place)s", place=html.escape(place)),
        t._("💶 %(cost)s", cost=cost_text(t, data.free, data.price)),
        t._("👥 Organised by %(organiser)s", organiser=html.escape(data.organiser)),
    ]
    if data.phone:
        lines.append(t._("📞 %(phone)s", phone=html.escape(data.phone)))
    lines += ["", t._("After saving you can add the English texts, a website and accessibility.")]
    save = (_value(t._("✅ Save"), "save"), _value(t._("✖️ Cancel"), "cancel"))
    await c.ask(QUESTION, Reply("\n".join(lines), choices=choices(save)))


async def _save(c: Conversation, draft: Draft | None) -> None:
    if draft is None or draft.get("mode") != "add" or _next_field(draft) is not None:
        await choice_expired(c)
        return
    source = str(draft.get("source", BOT_SOURCE))
    if not await c.runtime.services.partners.may_change(c.person.id, source):
        await c.runtime.services.activities.drop_draft(c.person.id)
        await choice_expired(c)
        return
    created = await c.runtime.services.activities.create(_built(draft, c), c.person.id, source)
    await _finish(c, c.t._("✅ Saved. Residents can find it now."))
    await _show(c, created.id)


async def _finish(c: Conversation, text: str) -> None:
    """The draft and the question are done; say so, with the menu."""
    await c.runtime.services.activities.drop_draft(c.person.id)
    await c.close_question()
    await c.say(Reply(text, menu=True))


async def _show(c: Conversation, activity_id: int) -> None:
    activity = await c.runtime.services.activities.get(activity_id)
    if activity is not None:
        await c.say(await details_reply(c.t, c.runtime, activity, keeper=True))


def register(journeys: Journeys) -> None:
    journeys.choice(Prefix.ACT_EDIT_FIELD, start_edit)
    journeys.choice(Prefix.ACT_VALUE, chosen_value)
    journeys.answer(QUESTION, typed_answer, kinds=(Did.TEXT, Did.LOCATION))
