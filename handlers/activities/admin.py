"""Activities, the coordinator's side: add one step by step, change a field, hide or show.

Every handler here checks the coordinator role on the server (``requires``), so a
forged or forwarded button does nothing for anyone else. Answers so far live in
``activity_drafts`` and the conversation state is persistent, so a restart in
the middle of adding an activity loses nothing. Every saved change is recorded
in ``activity_changes`` (who and when).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.buttons import Prefix, args_of, decode, encode, matches
from bot.channels.telegram.conversation import run_step
from bot.i18n import N_, Translator
from bot.services.activities import fields
from bot.services.activities.catalog import BOT_SOURCE, CHAT_ID_PREFIX, Activity, Change, HiddenBy
from bot.services.activities.fields import ActivityData, FieldError
from bot.services.activities.kinds import AUDIENCE_LABELS, KIND_LABELS, Audience, Kind
from bot.services.roles import Role
from bot.services.volunteers import invite_link
from handlers.activities.partners import show_partner_manage
from handlers.activities.search import details, pairs, show_details
from handlers.activities.texts import cost_text, when_text
from handlers.auth import Handler, R, has_role, requires
from handlers.commands import names
from handlers.common import edit_text, send_with_menu
from handlers.context import SamenContext
from handlers.conversation import conversation
from handlers.expired import button_expired
from handlers.keyboards import menu_action

ASK = "activity_ask"

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


# --------------------------------------------------------------------------- pieces for details


def manage_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t._("🗂 Manage activities"), callback_data=encode(Prefix.ACT_MANAGE, "menu")
    )


def admin_lines(t: Translator, activity: Activity, last: Change | None) -> list[str]:
    """What only coordinators see under an activity: number, source, last change, state."""
    source = t._("added in Samen") if activity.source == BOT_SOURCE else activity.source
    lines = [
        t._("🗂 Number %(id)s · source: %(source)s", id=activity.id, source=html.escape(source))
    ]
    if last is not None:
        who = str(last.changed_by) if last.changed_by is not None else t._("an import")
        lines.append(
            t._(
                "✏️ Last change: %(moment)s by %(who)s",
                moment=t.datetime(last.changed_at, short=True),
                who=who,
            )
        )
    if activity.hidden_by is HiddenBy.COORDINATOR:
        lines.append(t._("🙈 Hidden by a coordinator: residents do not see it."))
    elif activity.hidden_by is HiddenBy.SOURCE:
        lines.append(t._("🙈 Hidden: the last import no longer had it."))
    return lines


def admin_rows(t: Translator, activity: Activity) -> list[list[InlineKeyboardButton]]:
    hide = (
        InlineKeyboardButton(
            t._("👁 Show again"), callback_data=encode(Prefix.ACT_HIDE, str(activity.id), "show")
        )
        if activity.hidden_by
        else InlineKeyboardButton(
            t._("🙈 Hide"), callback_data=encode(Prefix.ACT_HIDE, str(activity.id), "hide")
        )
    )
    change = InlineKeyboardButton(
        t._("✏️ Change"), callback_data=encode(Prefix.ACT_EDIT, str(activity.id))
    )
    return [[change, hide]]


def keepers_only(handler: Handler[R]) -> Handler[R | None]:
    """A handler for coordinators and partners only (which activities a partner may
    change is checked per activity, ``_may_change``); anyone else hears so, kindly."""

    @functools.wraps(handler)
    async def guarded(update: Update, ctx: SamenContext) -> R | None:
        user = update.effective_user
        if user is not None and await ctx.services.partners.may_manage(user.id):
            return await handler(update, ctx)
        if update.callback_query is not None:
            await update.callback_query.answer(ctx.t._("This is not available for you."))
        await send_with_menu(update, ctx, ctx.t._("Sorry, this is only for the Samen team."))
        return None

    return guarded


async def _may_change(update: Update, ctx: SamenContext, activity: Activity) -> bool:
    """Coordinators may change any activity, partners only their own sources' ones: a
    forged or forwarded button for another source's activity gets no further."""
    user = update.effective_user
    if user is not None and await ctx.services.partners.may_change(user.id, activity.source):
        return True
    if update.callback_query is not None:
        await update.callback_query.answer(ctx.t._("This is not available for you."))
    await send_with_menu(update, ctx, ctx.t._("Sorry, this activity is not one of yours."))
    return False


async def _source_to_add_to(ctx: SamenContext, person_id: int, args: Sequence[str]) -> str | None:
    """Where a new activity goes: 'bot' (no number), or the partner's n-th source."""
    if not args:
        return BOT_SOURCE
    sources = await ctx.services.partners.sources_of(person_id)
    number = int(args[0]) if args[0].isdigit() else len(sources)
    return sources[number] if number < len(sources) else None


# --------------------------------------------------------------------------- plain handlers


@keepers_only
async def show_manage(update: Update, ctx: SamenContext) -> None:
    """/activities or "Manage activities": add one, or see the hidden ones."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    chat = update.effective_chat
    if chat is None:
        return
    if not await has_role(update, ctx, Role.COORDINATOR):
        await run_step(show_partner_manage, update, ctx)
        return
    t = ctx.t
    await ctx.bot.send_message(
        chat.id,
        t._(
            "<b>Manage activities</b>\n\n"
            "To change an activity, find it with “🔎 Activities” and open it. "
            "You will see the buttons to change or hide it there."
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t._("➕ Add an activity"), callback_data=encode(Prefix.ACT_MANAGE, "add")
                    )
                ],
                [
                    InlineKeyboardButton(
                        t._("🙈 Hidden activities"),
                        callback_data=encode(Prefix.ACT_MANAGE, "hidden"),
                    )
                ],
            ]
        ),
    )


async def on_manage(update: Update, ctx: SamenContext) -> None:
    """am:menu|hidden (am:add starts the conversation)."""
    query = update.callback_query
    if query is None:
        return
    if args_of(query.data)[0] == "hidden":
        await show_hidden(update, ctx)
    else:
        await show_manage(update, ctx)


@keepers_only
async def show_hidden(update: Update, ctx: SamenContext) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer()
    chat = update.effective_chat
    if chat is None:
        return
    t = ctx.t
    coordinator = await has_role(update, ctx, Role.COORDINATOR)
    sources = None if coordinator else await ctx.services.partners.sources_of(chat.id)
    hidden = await ctx.services.activities.hidden(sources=sources)
    if not hidden:
        await ctx.bot.send_message(chat.id, t._("No activities are hidden."))
        return
    rows = [
        [
            InlineKeyboardButton(
                f"{a.id}. {a.title(t.language)}"[:60],
                callback_data=encode(Prefix.ACT_DETAILS, str(a.id)),
            )
        ]
        for a in hidden
    ]
    await ctx.bot.send_message(
        chat.id,
        t._("Hidden activities (newest first). Open one to show it again:"),
        reply_markup=InlineKeyboardMarkup(rows),
    )


@keepers_only
async def on_hide(update: Update, ctx: SamenContext) -> None:
    """ah:<id>:hide|show."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    activity_id, action = args_of(query.data)
    before = await ctx.services.activities.get(int(activity_id))
    if before is None:
        await button_expired(update, ctx)
        return
    if not await _may_change(update, ctx, before):
        return
    activity = await ctx.services.activities.set_hidden(before.id, action == "hide", user.id)
    if activity is None:
        await button_expired(update, ctx)
        return
    await query.answer(
        ctx.t._("Hidden. Residents no longer see it.")
        if action == "hide"
        else ctx.t._("Residents can see it again.")
    )
    text, keyboard = await details(ctx, activity, keeper=True)
    await edit_text(query, text, keyboard)


@keepers_only
async def on_edit_menu(update: Update, ctx: SamenContext) -> None:
    """ae:<id>: which field to change."""
    query = update.callback_query
    if query is None:
        return
    activity = await ctx.services.activities.get(int(args_of(query.data)[0]))
    if activity is None:
        await button_expired(update, ctx)
        return
    if not await _may_change(update, ctx, activity):
        return
    await query.answer()
    t = ctx.t
    buttons = [
        InlineKeyboardButton(
            t._(FIELD_LABELS[name]),
            callback_data=encode(Prefix.ACT_EDIT_FIELD, str(activity.id), name),
        )
        for name in fields.EDITABLE_FIELDS
    ]
    await ctx.bot.send_message(
        query.from_user.id,
        t._(
            "What do you want to change in “%(title)s”?",
            title=html.escape(activity.title(t.language)),
        ),
        reply_markup=InlineKeyboardMarkup(pairs(buttons)),
    )


@requires(Role.COORDINATOR)
async def new_partner_invite(update: Update, ctx: SamenContext) -> None:
    """/partner SOURCE…: a single-use link that makes someone the partner of these sources
    (a Telegram deep link, so it stays here until links have a channel-neutral form)."""
    user = update.effective_user
    if user is None:
        return
    t = ctx.t
    known = await ctx.services.partners.known_sources()
    wanted = list(dict.fromkeys(ctx.args or ()))
    unknown = [name for name in wanted if name not in known]
    if not wanted or unknown:
        problem = t._("I do not know these sources: %(names)s", names=", ".join(unknown))
        lines = [html.escape(problem)] if unknown else []
        lines.append(
            t._(
                "Which sources will the partner keep? Type /partner and their names, "
                "for example /partner %(example)s\n\nSources: %(sources)s",
                example=html.escape(known[0] if known else "bibliotheek"),
                sources=html.escape(", ".join(known)) or t._("none yet"),
            )
        )
        await send_with_menu(update, ctx, "\n\n".join(lines))
        return
    invite = await ctx.services.volunteers.create_invite(user.id, wanted)
    await send_with_menu(
        update,
        ctx,
        t._(
            "<b>Invite link for a partner</b>\n\n%(link)s\n\n"
            "Whoever opens it first keeps the activities of %(sources)s in Samen: "
            "adding, changing, hiding and showing them, nothing else. "
            "It works once, until %(until)s.",
            link=invite_link(ctx.bot.username, invite.code),
            sources=html.escape(", ".join(wanted)),
            until=t.datetime(invite.expires_at),
        ),
    )


# --------------------------------------------------------------------------- the conversation


@keepers_only
async def start_add(update: Update, ctx: SamenContext) -> str | int:
    """am:add (a coordinator's, source 'bot') or am:add:<n> (a partner's n-th source):
    the first question of a new activity."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    source = await _source_to_add_to(ctx, user.id, args_of(query.data)[1:])
    if source is None or not await ctx.services.partners.may_change(user.id, source):
        await button_expired(update, ctx)
        return ConversationHandler.END
    await query.answer()
    draft: dict[str, Any] = {"mode": "add", "answers": {}, "source": source}
    await ctx.services.activities.save_draft(user.id, draft)
    await ctx.bot.send_message(
        user.id,
        ctx.t._(
            "Let's add an activity. I will ask %(n)s short questions. "
            "Type /cancel to stop at any moment.",
            n=len(ADD_STEPS),
        ),
    )
    await _ask(update, ctx, draft)
    return ASK


@keepers_only
async def start_edit(update: Update, ctx: SamenContext) -> str | int:
    """aef:<id>:<field>: ask for the new value of one field."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    activity_id, name = args_of(query.data)
    activity = await ctx.services.activities.get(int(activity_id))
    if activity is None:
        await button_expired(update, ctx)
        return ConversationHandler.END
    if not await _may_change(update, ctx, activity):
        return ConversationHandler.END
    await query.answer()
    draft: dict[str, Any] = {"mode": "edit", "id": activity.id, "field": name}
    await ctx.services.activities.save_draft(user.id, draft)
    await _ask(update, ctx, draft, current=activity.data)
    return ASK


def _next_field(draft: dict[str, Any]) -> str | None:
    if draft.get("mode") == "edit":
        return str(draft["field"])
    answers = draft.get("answers", {})
    return next((name for name in ADD_STEPS if name not in answers), None)


def _built(draft: dict[str, Any], ctx: SamenContext) -> ActivityData:
    """The new activity so far: every answer applied in order (each was checked already)."""
    data = fields.blank(ctx.runtime.settings.timezone)
    for name in ADD_STEPS:
        if name in draft["answers"]:
            data = fields.apply(data, name, draft["answers"][name], ctx.services.activities.places)
    return data


async def _ask(
    update: Update, ctx: SamenContext, draft: dict[str, Any], current: ActivityData | None = None
) -> None:
    t = ctx.t
    user = update.effective_user
    name = _next_field(draft)
    if user is None or name is None:
        return
    adding = draft.get("mode") == "add"
    text = t._(PROMPTS[name])
    if adding:
        step = ADD_STEPS.index(name) + 1
        text = t._("Question %(step)s of %(n)s", step=step, n=len(ADD_STEPS)) + "\n" + text
    elif current is not None:
        text += "\n\n" + t._("Now: %(value)s", value=value_text(t, current, name))
    choices: list[InlineKeyboardButton] = []
    if name == "kind":
        choices = [_choice(t._(KIND_LABELS[k]), k.value) for k in Kind]
    elif name == "audience":
        choices = [_choice(t._(AUDIENCE_LABELS[a]), a.value) for a in Audience]
    elif name == "repeat":
        choices = [_choice(t._(label), key) for key, label in REPEAT_LABELS.items()]
    elif name in ("wheelchair", "hearing_loop"):
        choices = [_choice(t._("Yes"), "yes"), _choice(t._("No"), "no")]
    elif name == "cost":
        choices = [_choice(t._("Free"), "free")]
    elif (
        name == "location"
        and adding
        and fields.postcode_point(
            draft["answers"].get("address", ""), ctx.services.activities.places
        )
    ):
        choices = [_choice(t._("Use the postcode of the address"), "postcode")]
    if name in OPTIONAL:
        choices.append(_choice(t._("Skip") if adding else t._("🗑 Make empty"), "skip"))
    keyboard = InlineKeyboardMarkup(pairs(choices)) if choices else None
    await ctx.bot.send_message(user.id, text, reply_markup=keyboard)


def _choice(label: str, value: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=encode(Prefix.ACT_VALUE, value))


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
        "end": _end_text(data),
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


def _end_text(data: ActivityData) -> str:
    """The end as it is typed: a time (a date and time past midnight), or the last day."""
    s = data.schedule
    start = datetime.fromisoformat(s.start_local)
    end = start + timedelta(minutes=s.duration_min)
    if s.all_day:
        return (end - timedelta(days=1)).strftime("%d-%m-%Y")
    return end.strftime("%H:%M" if end.date() == start.date() else "%d-%m-%Y %H:%M")


@keepers_only
async def on_text_answer(update: Update, ctx: SamenContext) -> str | int:
    message = update.message
    assert message is not None and message.text is not None
    if menu_action(ctx.bot_data.menu_index, message.text) is not None:
        # A menu button: leave the question and do what the button says.
        from handlers.menu import on_text

        await _drop(update, ctx)
        await on_text(update, ctx)
        return ConversationHandler.END
    return await _answer(update, ctx, message.text)


@keepers_only
async def on_location_answer(update: Update, ctx: SamenContext) -> str | int:
    message = update.message
    assert message is not None and message.location is not None
    location = message.location
    return await _answer(update, ctx, f"{location.latitude}, {location.longitude}")


@keepers_only
async def on_button_answer(update: Update, ctx: SamenContext) -> str | int:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    # Answered once, after the checks: an old button gets button_expired's answer instead.
    choice = args_of(query.data)[0]
    if choice == "cancel":
        await query.answer()
        await _drop(update, ctx)
        await send_with_menu(update, ctx, ctx.t._("Stopped. Nothing was saved."))
        return ConversationHandler.END
    if choice == "save":
        return await _save(update, ctx)
    draft = await ctx.services.activities.draft(user.id)
    name = _next_field(draft) if draft else None
    if choice == "skip":
        value = ""
    elif choice == "postcode" and draft is not None and name == "location":
        point = fields.postcode_point(
            draft.get("answers", {}).get("address", ""), ctx.services.activities.places
        )
        value = f"{point[0]}, {point[1]}" if point else choice
    else:
        value = choice
    if name is None or (choice == "skip" and name not in OPTIONAL):
        await button_expired(update, ctx)
        return ASK
    await query.answer()
    return await _answer(update, ctx, value)


async def _answer(update: Update, ctx: SamenContext, value: str) -> str | int:
    """Check one answer; then ask the next question, show the summary, or save the edit."""
    user = update.effective_user
    assert user is not None
    t = ctx.t
    activities = ctx.services.activities
    draft = await activities.draft(user.id)
    name = _next_field(draft) if draft else None
    if draft is None or name is None:
        await send_with_menu(update, ctx, t._("That question is closed. Here is the menu."))
        return ConversationHandler.END
    if draft["mode"] == "edit":
        activity = await activities.get(int(draft["id"]))
        if activity is None or not await ctx.services.partners.may_change(user.id, activity.source):
            await _drop(update, ctx)
            await send_with_menu(update, ctx, t._("That question is closed. Here is the menu."))
            return ConversationHandler.END
        try:
            changed = fields.apply(activity.data, name, value, activities.places)
        except FieldError as error:
            await _retry(update, ctx, error)
            return ASK
        await activities.update(activity.id, changed, user.id, name)
        await activities.drop_draft(user.id)
        note = t._("✅ Saved.")
        if activity.source != BOT_SOURCE and not activity.data.external_id.startswith(
            CHAT_ID_PREFIX
        ):
            note += " " + t._(
                "This activity comes from the file %(source)s: "
                "the next import of that file will overwrite this change.",
                source=html.escape(activity.source),
            )
        await send_with_menu(update, ctx, note)
        await show_details(update, ctx, activity.id, answered=True)
        return ConversationHandler.END
    try:
        fields.apply(_built(draft, ctx), name, value, activities.places)
    except FieldError as error:
        await _retry(update, ctx, error)
        return ASK
    draft["answers"][name] = value
    await activities.save_draft(user.id, draft)
    if _next_field(draft) is not None:
        await _ask(update, ctx, draft)
        return ASK
    await _summary(update, ctx, _built(draft, ctx))
    return ASK


async def _retry(update: Update, ctx: SamenContext, error: FieldError) -> None:
    user = update.effective_user
    assert user is not None
    await ctx.bot.send_message(
        user.id,
        ctx.t._("%(problem)s Please try again.", problem=ctx.t._(error.msgid)),
    )


async def _summary(update: Update, ctx: SamenContext, data: ActivityData) -> None:
    user = update.effective_user
    assert user is not None
    t = ctx.t
    s = data.schedule
    when = when_text(t, s.first_start, s.all_day)
    lines = [
        t._("<b>Is this right?</b>"),
        "",
        f"<b>{html.escape(data.title_nl)}</b>",
        t._(KIND_LABELS[data.kind]),
        *([html.escape(data.description_nl)] if data.description_nl else []),
        t._("🕒 First time: %(when)s", when=when),
        t._("🔁 %(repeat)s", repeat=value_text(t, data, "repeat")),
        t._(
            "📍 %(place)s",
            place=html.escape(", ".join(p for p in (data.place_name, data.address) if p)),
        ),
        t._("💶 %(cost)s", cost=cost_text(t, data.free, data.price)),
        t._("👥 Organised by %(organiser)s", organiser=html.escape(data.organiser)),
    ]
    if data.phone:
        lines.append(t._("📞 %(phone)s", phone=html.escape(data.phone)))
    lines += [
        "",
        t._("After saving you can add the English texts, a website and accessibility."),
    ]
    await ctx.bot.send_message(
        user.id,
        "\n".join(lines),
        reply_markup=InlineKeyboardMarkup(
            [[_choice(t._("✅ Save"), "save"), _choice(t._("✖️ Cancel"), "cancel")]]
        ),
    )


async def _save(update: Update, ctx: SamenContext) -> str | int:
    user = update.effective_user
    assert user is not None
    activities = ctx.services.activities
    draft = await activities.draft(user.id)
    if draft is None or draft.get("mode") != "add" or _next_field(draft) is not None:
        await button_expired(update, ctx)
        return ConversationHandler.END
    source = str(draft.get("source", BOT_SOURCE))
    if not await ctx.services.partners.may_change(user.id, source):
        await _drop(update, ctx)
        await button_expired(update, ctx)
        return ConversationHandler.END
    if update.callback_query is not None:
        await update.callback_query.answer()
    created = await activities.create(_built(draft, ctx), user.id, source)
    await activities.drop_draft(user.id)
    await send_with_menu(update, ctx, ctx.t._("✅ Saved. Residents can find it now."))
    await show_details(update, ctx, created.id, answered=True)
    return ConversationHandler.END


async def _drop(update: Update, ctx: SamenContext) -> None:
    user = update.effective_user
    if user is not None:
        await ctx.services.activities.drop_draft(user.id)


# --------------------------------------------------------------------------- registration


def _adds(data: object) -> bool:
    """am:add or am:add:<n>: the start of a new activity."""
    decoded = decode(data)
    return decoded is not None and decoded[0] is Prefix.ACT_MANAGE and decoded[1][0] == "add"


def activity_admin_conversation() -> ConversationHandler[Any]:
    private_message = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return conversation(
        "activity_admin",
        entry_points=[
            CallbackQueryHandler(start_add, pattern=_adds),
            CallbackQueryHandler(start_edit, pattern=matches(Prefix.ACT_EDIT_FIELD)),
        ],
        states={
            ASK: [
                CallbackQueryHandler(on_button_answer, pattern=matches(Prefix.ACT_VALUE)),
                MessageHandler(private_message & filters.LOCATION, on_location_answer),
                MessageHandler(private_message & filters.TEXT & ~filters.COMMAND, on_text_answer),
            ]
        },
    )


def admin_handlers() -> list[BaseHandler[Update, SamenContext, object]]:
    """Coordinators' and partners' buttons outside the conversation (all check the role
    themselves)."""
    return [
        CommandHandler(names("activities"), show_manage, filters=filters.ChatType.PRIVATE),
        CommandHandler(names("partner"), new_partner_invite, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(on_manage, pattern=matches(Prefix.ACT_MANAGE)),
        CallbackQueryHandler(on_hide, pattern=matches(Prefix.ACT_HIDE)),
        CallbackQueryHandler(on_edit_menu, pattern=matches(Prefix.ACT_EDIT)),
    ]
