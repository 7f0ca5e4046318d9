"""The one codec for inline-button data: ``prefix:arg:arg``, at most 64 bytes.

Clients can send any callback data they like, so decoding is strict: a known
prefix and arguments that match that prefix's pattern exactly, or nothing.
The codec sits below every layer and knows no service: where an argument is a word
a service owns (an activity's kind, an editable field), it checks the word's shape
here, and the journey that reads it checks the word itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum

MAX_BYTES = 64


class Prefix(StrEnum):
    LANGUAGE = "lang"  # lang:<nl|en>, the first step of onboarding
    SET_LANGUAGE = "setlang"  # setlang:<nl|en>, a later change of language
    CONSENT = "consent"  # consent:<yes|no>:<nl|en>
    MY_DATA = "my"  # my:<export|stop|stopyes|stopno|start|erase|area|noarea>
    ERASE = "erase"  # erase:<yes|no>
    PRIVACY = "privacy"  # privacy:show
    PRIVACY_DETAILS = "privmore"  # privmore:<nl|en>, the full privacy text
    CALL_ME = "call"  # call:<topic|any>, starts "Call me" (other journeys can offer it)
    CALL_MOMENT = "cbm"  # cbm:<moment key>:<phone digits>:<topic|->
    CALL_TOPIC = "cbt"  # cbt:<topic|none>:<moment key>:<phone digits>
    CALL_CANCEL = "cbx"  # cbx:<task id>, the resident withdraws their request
    CALL_NUMBER = "cbn"  # cbn:<topic|->, call another number than the one Samen has
    TASK = "task"  # task:<claim|show|reached|no_answer|follow_up|referred|release>:<task id>
    TASK_NOTE = "tnote"  # tnote:<task id>, asks the volunteer to type a note
    VOLUNTEER = "vol"  # vol:duty:<on|off> | vol:lang:<nl|en> | vol:name:edit | vol:tasks:show
    INVITE = "invite"  # invite:new, a coordinator makes an invite link
    VOLUNTEER_ADMIN = "vman"  # vman:<list|ask|end>:<telegram id, 0 for list>
    JOIN = "join"  # join:<invite code>, agree to the privacy text and use the invite
    APPLY = "apply"  # apply:yes, a resident offers to become a volunteer
    APPLICATION = "appl"  # appl:<yes|no>:<application id>, a coordinator decides
    BROADCAST = "bc"  # bc:<areas|now|later|go|drop|cancel>:<broadcast id>
    BROADCAST_AUDIENCE = "bca"  # bca:<broadcast id>:<all|vol|lang:xx|area:NNNN>
    BROADCAST_AT = "bct"  # bct:<broadcast id>:<unix time>, asks to confirm that time
    BROADCAST_SCHEDULE = "bcs"  # bcs:<broadcast id>:<unix time>, confirmed
    CHECKIN = "ci"  # ci:<step>, the check-in menu and set-up (handlers/care/checkins.py)
    CHECKIN_DAYS = "cid"  # cid:<pick|done>:<days mask 1..127>, choosing days one by one
    CHECKIN_TIME = "cit"  # cit:<HHMM>, a preset time
    MOOD = "mood"  # mood:<slot in minutes since 1970>:<good|okay|bad|very_bad>, a check-in answer
    AVAILABILITY = "avl"  # avl:<show|clear|resume|pause7|pause14|days:<mask>|hours:<mask>:<part>>
    CONTACT = "ec"  # ec:<show|name|remove|removeyes>, the resident's emergency contact
    CONTACT_JOIN = "ecj"  # ecj:<yes|no|stop>:<invite code>, the contact agrees or stops
    CONTACT_ANSWER = "eca"  # eca:<well|look>:<check-in id>, the contact after step 3
    # A regular call (bot/services/regularcall): the resident's screens and wishes, which
    # ride in the data until the request is complete: <days mask>, <m|a|e>, <nl|en>,
    # <interests mask>.
    REGULAR = "rc"  # rc:<show|new|pause|resume|end|endyes|other|otheryes>
    REGULAR_DAYS = "rcd"  # rcd:<pick|done>:<days mask>
    REGULAR_PART = "rcp"  # rcp:<days>:<m|a|e>
    REGULAR_INTERESTS = "rci"  # rci:<pick|done>:<days>:<part>:<language>:<interests mask>
    REGULAR_PHONE = "rcn"  # rcn:<days>:<part>:<language>:<interests>:<phone digits|new>
    REGULAR_PAUSE = "rcz"  # rcz:<1|2|4|date>: weeks, or a typed date; the resident pauses
    REGULAR_PROPOSAL = "rcv"  # rcv:<yes|no>:<regular call id>, a volunteer answers
    REGULAR_VOLUNTEER = "rcw"  # rcw:<show|pause|end|endyes>:<regular call id>, the volunteer
    REGULAR_PICK = "rck"  # rck:<regular call id>[:<volunteer id>], a coordinator picks
    SELFCHECK = "sc"  # sc:<step>, the monthly self-check's menu and consent
    SELFCHECK_INVITE = "sci"  # sci:<go|not>:<YYYYMM>, under a monthly invitation
    SELFCHECK_ANSWER = "sca"  # sca:<YYYYMM>:<question 1-6>:<y|m|n>
    # Activities nearby. A search's whole state rides in its buttons (nothing stored):
    # <origin> is p<postcode> | n<neighbourhood key> | g<lat*1e4>_<lon*1e4>.
    ACT_PLACE = "ap"  # ap:<neighbourhood key>, search there
    # <flags>: 0-3, 1 = only free, 2 = young people's activities too (0|1 before those).
    ACT_FILTERS = "af"  # af:<origin>:<kind|all>:<t|w|a>:<flags>
    ACT_SEARCH = "as"  # as:<origin>:<kind|all>:<t|w|a>:<flags>:<page>
    ACT_DETAILS = "ad"  # ad:<activity id>[:<the search's as: arguments>], from a list
    ACT_REMIND = "ar"  # ar:<activity id>:<occurrence start, minutes since 1970>
    ACT_ALONE = "aa"  # aa:<activity id>, "I'd rather not go alone"
    ACT_REMINDERS = "al"  # al:list, the person's reminders
    ACT_REMINDER_CANCEL = "ax"  # ax:<reminder id>
    ACT_MANAGE = "am"  # am:<menu|add|hidden>, coordinators; am:add:<n>, a partner's n-th source
    ACT_EDIT = "ae"  # ae:<activity id>, coordinators: which field to change
    ACT_EDIT_FIELD = "aef"  # aef:<activity id>:<field>, coordinators
    ACT_HIDE = "ah"  # ah:<activity id>:<hide|show>, coordinators
    ACT_VALUE = "av"  # av:<choice>, an answer by button in the add/edit conversation
    LINK = "lk"  # lk:<new|unlink|unlinkyes|unlinkno>, My data: the resident's other app


_ORIGIN = r"(p[1-9]\d{3}|n[a-z0-9-]{1,20}|g-?\d{1,6}_-?\d{1,7})"
# A word a service owns (an activity's kind or "all", an editable field): its shape only.
_WORD = r"([a-z][a-z0-9_]{0,19})"

_PATTERNS: dict[Prefix, re.Pattern[str]] = {
    Prefix.LANGUAGE: re.compile(r"(nl|en)"),
    Prefix.SET_LANGUAGE: re.compile(r"(nl|en)"),
    Prefix.CONSENT: re.compile(r"(yes|no):(nl|en)"),
    Prefix.MY_DATA: re.compile(r"(export|stop|stopyes|stopno|start|erase|area|noarea)"),
    Prefix.ERASE: re.compile(r"(yes|no)"),
    Prefix.LINK: re.compile(r"(new|unlink|unlinkyes|unlinkno)"),
    Prefix.PRIVACY: re.compile(r"(show)"),
    Prefix.PRIVACY_DETAILS: re.compile(r"(nl|en)"),
    Prefix.CALL_ME: re.compile(r"(chat|practical|activities|worried|any)"),
    Prefix.CALL_MOMENT: re.compile(
        r"(\d{8}[mae]):(\d{6,15}):(chat|practical|activities|worried|-)"
    ),
    Prefix.CALL_TOPIC: re.compile(
        r"(chat|practical|activities|worried|none):(\d{8}[mae]):(\d{6,15})"
    ),
    Prefix.CALL_CANCEL: re.compile(r"(\d{1,9})"),
    Prefix.CALL_NUMBER: re.compile(r"(chat|practical|activities|worried|-)"),
    Prefix.TASK: re.compile(r"(claim|show|reached|no_answer|follow_up|referred|release):(\d{1,9})"),
    Prefix.TASK_NOTE: re.compile(r"(\d{1,9})"),
    Prefix.VOLUNTEER: re.compile(r"(duty:(?:on|off)|lang:(?:nl|en)|name:edit|tasks:show)"),
    Prefix.INVITE: re.compile(r"(new)"),
    Prefix.VOLUNTEER_ADMIN: re.compile(r"(list|ask|end):(\d{1,15})"),
    Prefix.JOIN: re.compile(r"([A-Za-z0-9_-]{16})"),
    Prefix.APPLY: re.compile(r"(yes)"),
    Prefix.APPLICATION: re.compile(r"(yes|no):(\d{1,9})"),
    Prefix.BROADCAST: re.compile(r"(areas|now|later|go|drop|cancel):(\d{1,9})"),
    Prefix.BROADCAST_AUDIENCE: re.compile(r"(\d{1,9}):(all|vol|lang:(?:nl|en)|area:[1-9]\d{3})"),
    Prefix.BROADCAST_AT: re.compile(r"(\d{1,9}):(\d{10})"),
    Prefix.BROADCAST_SCHEDULE: re.compile(r"(\d{1,9}):(\d{10})"),
    Prefix.CHECKIN: re.compile(
        r"(menu|setup|quick|every|weekdays|choose|net|netyes|netnumber|netno|netoff"
        r"|pause|pause7|pause14|pausedate|resume|stop|stopyes|stopno)"
    ),
    Prefix.CHECKIN_DAYS: re.compile(r"(pick|done):(\d{1,3})"),
    Prefix.CHECKIN_TIME: re.compile(r"([01]\d|2[0-3])([0-5]\d)"),
    Prefix.MOOD: re.compile(r"(\d{7,10}):(good|okay|bad|very_bad)"),
    Prefix.AVAILABILITY: re.compile(
        r"(show|clear|resume|pause7|pause14|days:(?:127|31|96)"
        r"|hours:(?:127|31|96):(?:morning|afternoon|evening))"
    ),
    Prefix.CONTACT: re.compile(r"(show|name|remove|removeyes)"),
    Prefix.CONTACT_JOIN: re.compile(r"(yes|no|stop):(ec[A-Za-z0-9_-]{16})"),
    Prefix.CONTACT_ANSWER: re.compile(r"(well|look):(\d{1,12})"),
    Prefix.REGULAR: re.compile(r"(show|new|pause|resume|end|endyes|other|otheryes)"),
    Prefix.REGULAR_DAYS: re.compile(r"(pick|done):(\d{1,3})"),
    Prefix.REGULAR_PART: re.compile(r"(\d{1,3}):(m|a|e)"),
    Prefix.REGULAR_INTERESTS: re.compile(r"(pick|done):(\d{1,3}):(m|a|e):(nl|en):(\d{1,3})"),
    Prefix.REGULAR_PHONE: re.compile(r"(\d{1,3}):(m|a|e):(nl|en):(\d{1,3}):(\d{6,15}|new)"),
    Prefix.REGULAR_PAUSE: re.compile(r"(1|2|4|date)"),
    Prefix.REGULAR_PROPOSAL: re.compile(r"(yes|no):(\d{1,9})"),
    Prefix.REGULAR_VOLUNTEER: re.compile(r"(show|pause|end|endyes):(\d{1,9})"),
    Prefix.REGULAR_PICK: re.compile(r"(\d{1,9})(?::(\d{1,15}))?"),
    Prefix.SELFCHECK: re.compile(r"(menu|agree|no|start|later|result|acts|stop|stopyes|stopno)"),
    Prefix.SELFCHECK_INVITE: re.compile(r"(go|not):(20\d\d(?:0[1-9]|1[0-2]))"),
    Prefix.SELFCHECK_ANSWER: re.compile(r"(20\d\d(?:0[1-9]|1[0-2])):([1-6]):(y|m|n)"),
    Prefix.ACT_PLACE: re.compile(r"([a-z0-9-]{1,20})"),
    Prefix.ACT_FILTERS: re.compile(rf"{_ORIGIN}:{_WORD}:(t|w|a):([0-3])"),
    Prefix.ACT_SEARCH: re.compile(rf"{_ORIGIN}:{_WORD}:(t|w|a):([0-3]):(\d{{1,3}})"),
    Prefix.ACT_DETAILS: re.compile(
        rf"(\d{{1,9}})(?::{_ORIGIN}:{_WORD}:(t|w|a):([0-3]):(\d{{1,3}}))?"
    ),
    Prefix.ACT_REMIND: re.compile(r"(\d{1,9}):(\d{7,9})"),
    Prefix.ACT_ALONE: re.compile(r"(\d{1,9})"),
    Prefix.ACT_REMINDERS: re.compile(r"(list)"),
    Prefix.ACT_REMINDER_CANCEL: re.compile(r"(\d{1,9})"),
    Prefix.ACT_MANAGE: re.compile(r"(menu|add|hidden)(?::(\d{1,2}))?"),
    Prefix.ACT_EDIT: re.compile(r"(\d{1,9})"),
    Prefix.ACT_EDIT_FIELD: re.compile(rf"(\d{{1,9}}):{_WORD}"),
    Prefix.ACT_HIDE: re.compile(r"(\d{1,9}):(hide|show)"),
    Prefix.ACT_VALUE: re.compile(r"([a-z0-9_]{1,20})"),
}


def encode(prefix: Prefix, *args: str) -> str:
    data = ":".join((prefix.value, *args))
    if len(data.encode()) > MAX_BYTES or decode(data) is None:
        raise ValueError(f"invalid callback data for {prefix.value}")
    return data


def decode(data: object) -> tuple[Prefix, tuple[str, ...]] | None:
    """The prefix and arguments of well-formed data; None for anything else."""
    if not isinstance(data, str) or len(data.encode()) > MAX_BYTES:
        return None
    head, _, rest = data.partition(":")
    try:
        prefix = Prefix(head)
    except ValueError:
        return None
    match = _PATTERNS[prefix].fullmatch(rest)
    if match is None:
        return None
    return prefix, tuple(g for g in match.groups() if g is not None)  # optional parts left out


def matches(prefix: Prefix) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern accepting only well-formed data of this prefix."""

    def check(data: object) -> bool:
        decoded = decode(data)
        return decoded is not None and decoded[0] is prefix

    return check


def args_of(data: object) -> tuple[str, ...]:
    """Arguments of data that a ``matches`` pattern already accepted."""
    decoded = decode(data)
    if decoded is None:
        raise ValueError("callback data was not checked before use")
    return decoded[1]
