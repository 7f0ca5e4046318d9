"""Which step answers what a person did: dispatch tables, filled by each journey's
``register(journeys)`` and asked by every channel.

The order of precedence is the same for every channel:
1. a tap on a choice goes to the step registered for its prefix (well-formed data only);
2. a command goes to its step (``/start <payload>`` first to the step whose pattern the
   payload matches: a link that opens Samen with an invitation), and a tap on a
   main-menu label to that action's step; both close the open question first (the
   person moved on);
3. while a question is open, a typed text (or location, contact, media, as registered)
   goes to the step that asked it, unless that step does not accept it (crisis words
   while Samen asks for a postcode): then it goes on as if no question were open;
4. any other typed text goes first to the ``typed_answer`` readers (a check-in's
   "goed"), then, when it has a shape a journey knows (a postcode), to that journey's
   step, else to the text step;
5. whatever is left goes to the step registered ``otherwise`` for its kind (an unknown
   command, a stale or forged button, a sticker, an edit).
``claims`` asks 1-4 without the text step, ``leftover`` the text step and 5: a channel
that reads a short typed answer as a tap on a choice shown does so when no journey
claims the text; while journeys are being converted, Telegram's old handlers come
between the two (bot/channels/telegram/handler.py).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import TypeVar

from bot.buttons import Prefix, decode
from bot.chat.conversation import Conversation
from bot.chat.incoming import ANSWER_KINDS, Incoming, Kind
from bot.chat.menu import MAX_LABEL, MenuAction, menu_action
from bot.questions import Question

Step = Callable[[Conversation], Awaitable[None]]
Accepts = Callable[[Incoming], bool]
LooksLike = Callable[[str], bool]
# A reader of short typed answers to something Samen showed without asking a question
# (a check-in's "goed"): True when it took the text.
TypedAnswer = Callable[[Conversation], Awaitable[bool]]
START = "start"  # the command a link that opens Samen sends
K = TypeVar("K")
V = TypeVar("V")


class Journeys:
    def __init__(self, menu_index: dict[str, MenuAction]) -> None:
        self._menu_index = menu_index
        self._choices: dict[Prefix, Step] = {}
        self._answers: dict[str, tuple[Step, frozenset[Kind], Accepts | None]] = {}
        self._typed: dict[str, tuple[LooksLike, Step]] = {}
        self._commands: dict[str, Step] = {}
        self._start_payloads: dict[str, tuple[re.Pattern[str], Step]] = {}
        self._menu: dict[MenuAction, Step] = {}
        self._text: Step | None = None
        self._greeting: Step | None = None
        self._typed_answers: list[TypedAnswer] = []
        self._otherwise: dict[Kind, Step] = {}
        self._routes: dict[Kind, Callable[[Incoming, Question | None], Step | None]] = {
            Kind.CHOICE: self._route_choice,
            Kind.COMMAND: self._route_command,
            Kind.TEXT: self._route_text,
            Kind.LOCATION: self._route_answer,
            Kind.CONTACT: self._route_answer,
            Kind.MEDIA: self._route_answer,
        }

    # ------------------------------------------------------------------ registering

    def choice(self, prefix: Prefix, step: Step) -> None:
        """A tap whose data has this prefix."""
        self._claim(self._choices, prefix, step)

    def answer(
        self,
        question: str,
        step: Step,
        kinds: Collection[Kind] = (Kind.TEXT,),
        accepts: Accepts | None = None,
    ) -> None:
        """What the person sends while ``question`` is open: typed text unless ``kinds``
        says more (a location, a contact, a media kind). ``accepts``: only what it says
        yes to, the rest routed as if no question were open (crisis words go where
        they belong, never "that is not a postcode")."""
        if not set(kinds) <= ANSWER_KINDS:
            raise ValueError(f"{question}: only {sorted(ANSWER_KINDS)} answer a question")
        self._claim(self._answers, question, (step, frozenset(kinds), accepts))

    def typed(self, name: str, looks_like: LooksLike, step: Step) -> None:
        """Typed text ``looks_like`` says yes to (a postcode, typed without being asked),
        when no open question takes it: before the text step. ``name`` says what it is."""
        self._claim(self._typed, name, (looks_like, step))

    def command(self, names: Sequence[str], step: Step) -> None:
        """/name, in every language (``handlers.commands.names``)."""
        for name in names:
            self._claim(self._commands, name.lower(), step)

    def start_payload(self, pattern: re.Pattern[str], step: Step) -> None:
        """``/start <payload>`` whose payload matches ``pattern`` whole: a link that opens
        Samen with a code (Telegram's t.me/<bot>?start=…, or the same typed)."""
        self._claim(self._start_payloads, pattern.pattern, (pattern, step))

    def greet(self, step: Step) -> None:
        """The first word from someone Samen does not know yet, on a channel where people
        write first instead of sending /start (WhatsApp): the step that welcomes them."""
        if self._greeting is not None:
            raise ValueError("the first-contact step is registered already")
        self._greeting = step

    def menu(self, action: MenuAction, step: Step) -> None:
        """A main-menu label, in any language."""
        self._claim(self._menu, action, step)

    def text(self, step: Step) -> None:
        """Anything else typed (what the words mean)."""
        if self._text is not None:
            raise ValueError("the text step is registered already")
        self._text = step

    def typed_answer(self, reader: TypedAnswer) -> None:
        """Typed text that no question, command or menu label takes is offered to this
        reader first (before the text step, and before a channel reads it as a tap on
        the choices last shown): a check-in that arrived through the outbox, maybe
        without buttons, is answered by typing "goed"."""
        self._typed_answers.append(reader)

    def otherwise(self, kind: Kind, step: Step) -> None:
        """What no other step took, of this kind: the kind answer to the unexpected."""
        self._claim(self._otherwise, kind, step)

    @staticmethod
    def _claim(table: dict[K, V], key: K, value: V) -> None:
        """One step per key: a second would silently win or lose, so it is refused."""
        if key in table:
            raise ValueError(f"{key!r} is registered already")
        table[key] = value

    # ------------------------------------------------------------------ routing

    def moves_on(self, incoming: Incoming) -> bool:
        """A command or a tap on a main-menu label: the start of something new."""
        return incoming.kind is Kind.COMMAND or self._menu_action(incoming) is not None

    def route(self, incoming: Incoming, question: Question | None) -> Step | None:
        """The step for this, or None when nothing registered here handles it."""
        return self.claims(incoming, question) or self.leftover(incoming)

    def claims(self, incoming: Incoming, question: Question | None) -> Step | None:
        """The step a journey registered for this (1-4 above, not the text step), if any."""
        if self.moves_on(incoming):
            question = None  # it closes the question
        router = self._routes.get(incoming.kind)
        return router(incoming, question) if router is not None else None

    def leftover(self, incoming: Incoming) -> Step | None:
        """The step for what no journey claims: the text step for typed text (the rest
        of 4 above), else the step registered ``otherwise`` for its kind (5 above)."""
        typed = incoming.kind is Kind.TEXT and self._menu_action(incoming) is None
        if typed and self._text is not None:  # a menu label is its journey's, not text
            return self._text
        return self._otherwise.get(incoming.kind)

    async def handle(self, conversation: Conversation) -> bool:
        """Run the step for what the person did; False when nobody knows it."""
        if self.moves_on(conversation.incoming):
            await conversation.close_question()
        elif await self.answered_typed(conversation):
            return True
        step = self.route(conversation.incoming, conversation.question)
        if step is None:
            return False
        await step(conversation)
        return True

    async def greet_first(self, conversation: Conversation) -> None:
        """Welcome someone who wrote first (``greet``); as ``handle`` without it."""
        if self._greeting is None:
            await self.handle(conversation)
            return
        await self._greeting(conversation)

    async def answered_typed(self, conversation: Conversation) -> bool:
        """A typed text read as the answer to something on screen (``typed_answer``);
        False when it is for the open question, a command or a menu label, or no reader
        took it."""
        incoming = conversation.incoming
        if incoming.kind is not Kind.TEXT or self.moves_on(incoming):
            return False
        if self._route_answer(incoming, conversation.question) is not None:
            return False
        for reader in self._typed_answers:
            if await reader(conversation):
                return True
        return False

    def _menu_action(self, incoming: Incoming) -> MenuAction | None:
        if incoming.kind is not Kind.TEXT or len(incoming.text) > MAX_LABEL:
            return None
        return menu_action(self._menu_index, incoming.text)

    def _route_choice(self, incoming: Incoming, _: Question | None) -> Step | None:
        decoded = decode(incoming.data)
        return self._choices.get(decoded[0]) if decoded is not None else None

    def _route_command(self, incoming: Incoming, _: Question | None) -> Step | None:
        if incoming.command == START and incoming.args:
            for pattern, step in self._start_payloads.values():
                if pattern.fullmatch(incoming.args[0]):
                    return step
        return self._commands.get(incoming.command)

    def _route_text(self, incoming: Incoming, question: Question | None) -> Step | None:
        action = self._menu_action(incoming)
        if action is not None:
            return self._menu.get(action)
        return self._route_answer(incoming, question) or self._route_typed(incoming)

    def _route_typed(self, incoming: Incoming) -> Step | None:
        return next((step for looks, step in self._typed.values() if looks(incoming.text)), None)

    def _route_answer(self, incoming: Incoming, question: Question | None) -> Step | None:
        answer = self._answers.get(question.name) if question is not None else None
        if answer is None or incoming.kind not in answer[1]:
            return None
        step, _kinds, accepts = answer
        return step if accepts is None or accepts(incoming) else None
