"""An activity's details, on the conversation layer: a pin on the map, then what
residents see; for its keepers (coordinators, or the partner of its source) who changed
it last and the choices to change, hide or show it. From a list of results, a choice
leads back to that list."""

from __future__ import annotations

import html
from dataclasses import replace

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation
from bot.chat.journeys import Journeys
from bot.chat.message import Choice, Reply, Venue, choices
from bot.i18n import N_, Translator
from bot.runtime import Runtime
from bot.services.activities.catalog import BOT_SOURCE, Activity, Change, HiddenBy
from bot.services.activities.kinds import AUDIENCE_LABELS, KIND_LABELS
from bot.services.activities.partners import Hider
from handlers.activities.browse import decode_search
from handlers.activities.reminders import remind_data
from handlers.activities.texts import cost_text, when_text

# What keepers read under an activity hidden in the chat, by who hid it.
HIDDEN_BY = {
    Hider.COORDINATOR: N_("🙈 Hidden by a coordinator: residents do not see it."),
    Hider.PARTNER: N_("🙈 Hidden by the organisation that keeps it: residents do not see it."),
    Hider.UNKNOWN: N_("🙈 Hidden in Samen: residents do not see it."),
}


def manage_choice(t: Translator) -> Choice:
    return Choice(t._("🗂 Manage activities"), encode(Prefix.ACT_MANAGE, "menu"))


def admin_lines(t: Translator, activity: Activity, last: Change | None, hider: Hider) -> list[str]:
    """What only keepers see under an activity: number, source, last change, state
    (``hider``: who hid it, when it is hidden in the chat)."""
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
        lines.append(t._(HIDDEN_BY[hider]))
    elif activity.hidden_by is HiddenBy.SOURCE:
        lines.append(t._("🙈 Hidden: the last import no longer had it."))
    return lines


def keeper_choices(t: Translator, activity: Activity) -> tuple[Choice, Choice]:
    hide = (
        Choice(t._("👁 Show again"), encode(Prefix.ACT_HIDE, str(activity.id), "show"))
        if activity.hidden_by
        else Choice(t._("🙈 Hide"), encode(Prefix.ACT_HIDE, str(activity.id), "hide"))
    )
    return Choice(t._("✏️ Change"), encode(Prefix.ACT_EDIT, str(activity.id))), hide


def _lines(t: Translator, activity: Activity, upcoming_text: list[str]) -> list[str]:
    data = activity.data
    lines = [
        f"<b>{html.escape(activity.title(t.language))}</b>",
        t._(KIND_LABELS[data.kind]),
        t._(AUDIENCE_LABELS[data.audience]),
    ]
    description = activity.description(t.language)
    if description:
        lines += ["", html.escape(description)]
    place = ", ".join(p for p in (data.place_name, data.address) if p)
    lines += [
        "",
        *upcoming_text,
        t._("📍 %(place)s", place=html.escape(place)),
        t._("💶 %(cost)s", cost=cost_text(t, data.free, data.price)),
        t._("👥 Organised by %(organiser)s", organiser=html.escape(data.organiser)),
    ]
    if data.phone:
        lines.append(t._("📞 %(phone)s", phone=html.escape(data.phone)))
    if data.website:
        lines.append(t._("🌐 %(website)s", website=html.escape(data.website)))
    lines.append(
        t._("♿ Wheelchair accessible: yes")
        if data.wheelchair
        else t._("♿ Wheelchair accessible: no")
    )
    lines.append(t._("🦻 Hearing loop: yes") if data.hearing_loop else t._("🦻 Hearing loop: no"))
    return lines


async def details_reply(
    t: Translator, runtime: Runtime, activity: Activity, keeper: bool, back: Choice | None = None
) -> Reply:
    """An activity's text and choices; ``keeper``: with the lines and choices for whoever
    may change it; ``back``: a choice back to the list it was found in."""
    services = runtime.services
    all_day = activity.data.schedule.all_day
    upcoming = await services.activities.upcoming(activity.id, limit=4)
    when_lines = [t._("🕒 No date planned in the coming weeks.")]
    if upcoming:
        first = upcoming[0]
        when = when_text(t, first.starts_at, all_day)
        if not all_day:
            when += "–" + t.time(first.ends_at)
        when_lines = [t._("🕒 Next time: %(when)s", when=when)]
        if len(upcoming) > 1:
            later = ", ".join(when_text(t, o.starts_at, all_day, short=True) for o in upcoming[1:])
            when_lines.append(t._("     After that: %(dates)s", dates=later))
    lines = _lines(t, activity, when_lines)
    rows: list[Choice | tuple[Choice, ...]] = []
    now = runtime.clock()
    remindable = next((o for o in upcoming if o.starts_at > now), None)
    if remindable is not None and activity.hidden_by is None:
        remind = remind_data(activity.id, remindable.starts_at)
        rows.append(Choice(t._("🔔 Remind me"), remind))
    rows.append(
        Choice(t._("🤝 I'd rather not go alone"), encode(Prefix.ACT_ALONE, str(activity.id)))
    )
    if keeper:
        history = await services.activities.history(activity.id, limit=1)
        hider = (
            await services.partners.who_hid(activity.id) if activity.hidden_by else Hider.UNKNOWN
        )
        lines += ["", *admin_lines(t, activity, history[0] if history else None, hider)]
        rows.append(keeper_choices(t, activity))
    if back is not None:
        rows.append(back)
    return Reply("\n".join(lines), choices=choices(*rows))


def place_of(activity: Activity, language: str) -> Venue:
    """The activity's pin on the map: its title (else its place) and address."""
    data = activity.data
    return Venue(
        data.lat,
        data.lon,
        activity.title(language) or data.place_name,
        ", ".join(p for p in (data.place_name, data.address) if p),
    )


async def on_details(c: Conversation) -> None:
    """ad:<id>[:<search>]: everything about one activity, with a pin on the map; from a
    list of results, with a way back to that list. Coordinators, and a partner for
    their own sources' activities, see hidden ones too."""
    args = args_of(c.incoming.data)
    services = c.runtime.services
    back = decode_search(services.activities.places, args[1:]) if len(args) > 1 else None
    activity = await services.activities.get(int(args[0]))
    keeper = activity is not None and await services.partners.may_change(
        c.person.id, activity.source
    )
    if activity is None or (activity.hidden_by is not None and not keeper):
        await c.acknowledge(c.t._("This activity is no longer in the list."))
        await c.say(Reply(c.t._("Sorry, this activity is no longer in the list."), menu=True))
        return
    await c.acknowledge()
    to_list = Choice(c.t._("◀️ Back to the list"), back.results_data(back.page)) if back else None
    reply = await details_reply(c.t, c.runtime, activity, keeper, to_list)
    await c.say(replace(reply, place=place_of(activity, c.t.language)))


def register(journeys: Journeys) -> None:
    journeys.choice(Prefix.ACT_DETAILS, on_details)
