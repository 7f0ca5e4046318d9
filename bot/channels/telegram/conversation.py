"""A Conversation on Telegram: one PTB update, the person's chat, and the PTB calls."""

from __future__ import annotations

import contextlib
import io
import secrets

from telegram import CallbackQuery, InputFile, Message, Update
from telegram.error import BadRequest, TelegramError

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.incoming import incoming_of
from bot.channels.telegram.render import inline_keyboard, markup_of
from bot.channels.telegram.send import send_parts, send_place, shows_already, split_message
from bot.chat.conversation import Person, consented
from bot.chat.journeys import Step
from bot.chat.message import Ask, Document, Reply
from bot.questions import Key, Value
from bot.shown_choices import TYPED_QUERY

CHANNEL = "telegram"
# Telegram's answer to an edit that would change nothing.
NOT_MODIFIED = "message is not modified"
# Telegram's answers to an edit of a message it no longer has for the bot.
GONE = ("message to edit not found", "message can't be edited")
# PTB's user_data (memory only): the language someone chose before they agreed.
REMEMBERED_LANGUAGE = "language"


class TelegramConversation:
    """Made once per update after ``bot.channels.telegram.people.load_person`` (private chats only),
    which has loaded the resident and their translator into the context."""

    def __init__(self, update: Update, ctx: SamenContext) -> None:
        user = update.effective_user
        chat = update.effective_chat
        if user is None or chat is None:
            raise ValueError("a conversation needs a person and their chat")
        self._update = update
        self._ctx = ctx
        self._chat_id = chat.id
        self._acknowledged = False
        self.person = Person(CHANNEL, user.id, user.first_name, user.language_code)
        self.incoming = incoming_of(update)
        self.resident = ctx.resident
        self.t = ctx.t
        self.runtime = ctx.runtime
        self.question = ctx.runtime.questions.get(self._key)

    @property
    def _key(self) -> Key:
        return (CHANNEL, self.person.id)

    @property
    def _query(self) -> CallbackQuery | None:
        return self._update.callback_query

    async def say(self, reply: Reply) -> int | None:
        if reply.place is not None:
            await send_place(self._ctx.bot, self._chat_id, reply.place)
        markup = markup_of(reply, self.t, consented=consented(self))
        if reply.photo is not None:
            sent = await self._ctx.bot.send_photo(
                self._chat_id, reply.photo, caption=reply.text, reply_markup=markup
            )
        else:
            sent = await send_parts(self._ctx.bot, self._chat_id, reply.text, markup)
        return sent.message_id

    def start_link(self, payload: str) -> str:
        return telegram_start_link(self._ctx.bot.username, payload)

    async def update(self, reply: Reply) -> None:
        query = self._query
        keyboard = inline_keyboard(reply)
        in_place = (
            query is not None
            and isinstance(query.message, Message)
            and query.message.is_accessible  # else an answer out of sight, days up
            and reply.ask is Ask.NOTHING
            and not reply.menu
            and reply.photo is None
            and reply.place is None
            and len(split_message(reply.text)) == 1
        )
        if query is None or not in_place:
            await self.say(reply)
        elif not shows_already(query.message, keyboard, reply.text):
            try:
                await query.edit_message_text(reply.text, reply_markup=keyboard)
            except BadRequest as error:
                # The tap carried an older copy of the message than the chat shows (two
                # quick taps): the message shows this already, which is what was wanted.
                # The message is gone (the person deleted it meanwhile): say it anew.
                if any(gone in error.message.lower() for gone in GONE):
                    await self.say(reply)
                elif NOT_MODIFIED not in error.message.lower():
                    raise

    async def acknowledge(self, notice: str = "", *, alert: bool = False) -> None:
        query = self._query
        if query is None or self._acknowledged:
            return
        self._acknowledged = True
        if self._ctx.bot_data.answered_taps.first_answer(query.id):
            await query.answer(notice or None, show_alert=alert)

    async def clear_choices(self) -> None:
        query = self._query
        if query is None or shows_already(query.message, None):
            return
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest as error:
            # The tap carried an older copy of the message: an edit from the outbox took
            # its choices off meanwhile ("not modified"), or the person deleted it. Either
            # way no choices are left, which is what was wanted; the answer still comes.
            refusal = error.message.lower()
            if NOT_MODIFIED not in refusal and not any(gone in refusal for gone in GONE):
                raise

    async def show_answered(self, reply: Reply) -> None:
        """The tapped message itself changes to show the answer."""
        await self.update(reply)

    async def send_document(self, document: Document) -> None:
        await self._ctx.bot.send_document(
            self._chat_id,
            InputFile(io.BytesIO(document.content), filename=document.name),
            caption=document.caption or None,
        )

    async def send_photo(self, photo: Document) -> None:
        await self._ctx.bot.send_photo(
            self._chat_id,
            InputFile(io.BytesIO(photo.content), filename=photo.name),
            caption=photo.caption or None,
        )

    async def ask(self, question: str, reply: Reply, **data: Value) -> int | None:
        sent = await self.say(reply)
        self.question = await self.runtime.questions.open(self._key, question, data)
        return sent

    async def close_question(self) -> None:
        await self.runtime.questions.close(self._key)
        self.question = None

    async def replace_earlier(self, message_id: int, text: str) -> bool:
        with contextlib.suppress(TelegramError):  # deleted by the person meanwhile
            await self._ctx.bot.edit_message_text(text, self._chat_id, message_id)
        return True

    async def press_typed_choice(self) -> bool:
        """Queued as a button press of its own (``TYPED_QUERY``: the request layer answers
        it, Telegram never saw it), so every journey's own choice step answers it."""
        update, ctx = self._update, self._ctx
        message, user = update.message, update.effective_user
        if message is None or message.text is None or user is None:
            return False
        shown = self.runtime.shown_choices.last(self._chat_id)
        data = shown.pick(message.text) if shown is not None else None
        if shown is None or data is None:
            return False
        pressed = CallbackQuery(
            id=TYPED_QUERY + secrets.token_hex(8),
            from_user=user,
            chat_instance=str(self._chat_id),
            message=Message.de_json(shown.message, ctx.bot),
            data=data,
        )
        pressed.set_bot(ctx.bot)
        await ctx.application.update_queue.put(
            Update(update_id=-update.update_id, callback_query=pressed)
        )
        return True

    async def set_language(self, language: str) -> None:
        if self.resident is not None:
            await self.runtime.services.residents.set_language(self.person.id, language)
        elif self._ctx.user_data is not None:
            self._ctx.user_data[REMEMBERED_LANGUAGE] = language
        self.t = self._ctx.t = self.runtime.catalogs.get(language)

    async def forget(self) -> None:
        await self.close_question()
        self.resident = self._ctx.resident = None
        if self._ctx.user_data is not None:
            self._ctx.user_data.clear()

    async def finish(self) -> None:
        """A tap is always answered, so the person's app stops showing it as pending."""
        await self.acknowledge()


def telegram_start_link(username: str, payload: str) -> str:
    """The link that opens Samen on Telegram with ``payload`` (an invite code)."""
    return f"https://t.me/{username}?start={payload}"


async def run_step(step: Step, update: Update, ctx: SamenContext) -> None:
    """Run a step outside the journeys' table (the error handler telling the person that
    something went wrong): the same conversation the adapter makes, and a tap answered."""
    if update.effective_user is None or update.effective_chat is None:
        return  # a tap on an inline message: no chat to answer in
    conversation = TelegramConversation(update, ctx)
    await step(conversation)
    await conversation.finish()
