"""Volunteers: the task desk, profiles, invite links and their administration.

desk.py: tasks, notes and /tasks; profile.py: “🤝 I want to help” and the profile;
joining.py: invite links and applications; admin.py: coordinators manage volunteers.
"""

from __future__ import annotations

from bot.buttons import Prefix
from bot.chat.incoming import Kind
from bot.chat.journeys import Journeys
from bot.chat.menu import MenuAction
from handlers.commands import names
from handlers.volunteers.admin import list_volunteers, volunteer_admin_action
from handlers.volunteers.desk import WRITE_NOTE, ask_note, got_note, show_tasks, task_action
from handlers.volunteers.joining import (
    INVITE_CODE,
    decide_application,
    join_with_invite,
    joined_with_consent,
    new_invite,
)
from handlers.volunteers.profile import WRITE_NAME, apply, got_name, profile_action, show_help_out


def register(journeys: Journeys) -> None:
    journeys.menu(MenuAction.HELP_OUT, show_help_out)
    journeys.command(names("tasks"), show_tasks)
    journeys.command(names("invite"), new_invite)
    journeys.command(names("volunteers"), list_volunteers)
    journeys.choice(Prefix.TASK, task_action)
    journeys.choice(Prefix.TASK_NOTE, ask_note)
    journeys.answer(WRITE_NOTE, got_note, kinds=(Kind.TEXT, Kind.MEDIA))
    journeys.choice(Prefix.VOLUNTEER, profile_action)
    journeys.answer(WRITE_NAME, got_name, kinds=(Kind.TEXT, Kind.MEDIA))
    journeys.choice(Prefix.INVITE, new_invite)
    journeys.choice(Prefix.JOIN, joined_with_consent)
    journeys.start_payload(INVITE_CODE, join_with_invite)
    journeys.choice(Prefix.APPLY, apply)
    journeys.choice(Prefix.APPLICATION, decide_application)
    journeys.choice(Prefix.VOLUNTEER_ADMIN, volunteer_admin_action)
