"""Updates Telegram sends that are not a person's own message in a chat with the bot: a
reaction to a message, a post in a channel (no ``from``), the bot added to a group.

Shapes are Telegram's JSON exactly (MessageReactionUpdated, Message with
``sender_chat``, ChatMemberUpdated), so Samen meets what real Telegram sends.
"""

from __future__ import annotations

import time

from bot.emulator.people import ControlError, int_of, sender_of
from bot.emulator.state import ChatRec, EmulatorState
from bot.emulator.validation import JSONDict


def react(state: EmulatorState, body: JSONDict) -> JSONDict:
    """A user puts an emoji reaction on a message (Telegram sends these only to a bot
    that names ``message_reaction`` in allowed_updates)."""
    user, rec = sender_of(state, body)
    message_id = int_of(body, "message_id")
    if message_id not in rec.messages:
        raise ControlError(f"no message {message_id} in chat {rec.chat['id']}")
    payload: JSONDict = {
        "chat": rec.chat,
        "message_id": message_id,
        "user": user,
        "date": int(time.time()),
        "old_reaction": [],
        "new_reaction": [{"type": "emoji", "emoji": str(body.get("emoji") or "👍")}],
    }
    return {"update_id": state.queue_update("message_reaction", payload)}


def add_channel(state: EmulatorState, body: JSONDict) -> JSONDict:
    """A channel the bot is in (as an admin, the only way a bot reads one)."""
    chat_id = int_of(body, "chat_id")
    if chat_id > -1_000_000_000_000:
        raise ControlError("channel chat_id must be -100… (below -1000000000000)")
    chat: JSONDict = {"id": chat_id, "type": "channel", "title": str(body.get("title") or "Kanaal")}
    state.chats[chat_id] = ChatRec(chat=chat)
    return chat


def channel_post(state: EmulatorState, body: JSONDict) -> JSONDict:
    """A post in a channel: no ``from``, the channel itself as ``sender_chat``."""
    rec = state.chats.get(int_of(body, "chat_id"))
    if rec is None or rec.chat["type"] != "channel":
        raise ControlError("unknown channel; create it with POST /control/channels")
    text = body.get("text")
    if not isinstance(text, str) or not text:
        raise ControlError("text is required")
    message: JSONDict = {
        "message_id": rec.take_message_id(),
        "sender_chat": rec.chat,
        "chat": rec.chat,
        "date": int(time.time()),
        "text": text,
    }
    state.record_message(rec, message, direction="in")
    return {"update_id": state.queue_update("channel_post", message)}


def bot_added(state: EmulatorState, body: JSONDict) -> JSONDict:
    """A user adds the bot to a group: my_chat_member, from "left" to "member"."""
    user = state.ensure_user(int_of(body, "user_id"))
    rec = state.chats.get(int_of(body, "chat_id"))
    if rec is None or rec.private:
        raise ControlError("unknown group; create it with POST /control/groups")
    bot = state.bot_user()
    payload: JSONDict = {
        "chat": rec.chat,
        "from": user,
        "date": int(time.time()),
        "old_chat_member": {"user": bot, "status": "left"},
        "new_chat_member": {"user": bot, "status": "member"},
    }
    return {"update_id": state.queue_update("my_chat_member", payload)}
