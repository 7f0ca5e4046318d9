"""The channel-neutral conversation layer (issue 14): journeys written once, every
channel renders them. Nothing here imports a messenger's SDK.

The contract (see /work/briefs/s3/chat-spec.md; what differs from it is marked *):

- ``message``: what a journey says. ``Reply`` (text in simple HTML, ``choices`` in rows,
  ``rows`` of a longer list, ``ask`` for a location or phone number with ``ask_also``
  typed labels beside it, ``menu``, ``photo``), ``Choice``, ``ListRow``, ``Document``.
  * ``Reply.placeholder``: a hint in the empty text box ("For example 2101 AB").
  * ``choices(a, (b, c))``: rows of choices, a lone Choice being a row of its own.
  * ``Reply.place``: a ``Venue(latitude, longitude, name, address)``, a pin on the map
    sent just before the text (an activity's details); Telegram: sendVenue (sendLocation
    without an address), WhatsApp: a location message. Always said anew, never an edit.
- ``incoming``: what a person did, ``Incoming`` of a ``Kind`` (TEXT, CHOICE, LOCATION,
  CONTACT, MEDIA, COMMAND, EDITED, OTHER). A command's name is lower case, without "/"
  and "@bot". * ``command_of(text)`` parses one for every channel.
  * ``Incoming.file``: a media message's file reference (to show a photo again with
    ``Reply.photo``); a MEDIA's ``text`` is its caption; ``Incoming.html``: the text or
    caption with the person's own formatting (a coordinator's bold announcement).
- ``conversation``: ``Conversation`` (one per update: ``person``, ``incoming``,
  ``resident``, ``t``, ``runtime``, ``question``; ``say``, ``update``, ``acknowledge``,
  ``send_document``, ``ask``, ``close_question``) and ``Person``.
  * ``replace_earlier(message_id, text)``: change an earlier message Samen sent this
    person (a volunteer's task card when they erase their data); best effort. False
    where the channel cannot change a sent message (WhatsApp): the journey asks the
    person to delete it (a volunteer's goodbye when they held residents' numbers).
  * ``send_photo(document)``: a picture Samen made (the /stats chart).
  * ``clear_choices()``: the tapped message's choices are used up; its text stays.
  * ``forget()``: the person was erased: the channel closes their question and drops
    whatever it keeps about them in memory.
  * ``clear_choices()``: the tapped message's choices are used up; its text stays.
  * ``set_language(code)``: kept for a resident, else only in the channel's memory
    (nothing is stored before consent); ``t`` speaks it from then on.
  * ``press_typed_choice()``: a short typed answer ("ja", "2", a button's words) to the
    choices last shown becomes a tap on that choice, handled by that journey's own
    choice step; False when it picks none.
  * A tap nobody acknowledged is acknowledged (without a notice) after the step.
  * ``say`` and ``ask`` return the id the channel gave the message (None if it gives
    none), so a journey can change it later (the desk's task cards and /tasks lists, the
    self-check's question showing its answer).
    WhatsApp's ids are strings: its number is a hash of one; WhatsApp cannot change a
    message, so its messenger sends changes anew (bot/channels/whatsapp/messenger.py).
  * ``start_link(payload)``: the channel's link that opens Samen with ``payload`` (an
    invite code); on Telegram t.me/<bot>?start=<payload>.
  * ``consented(c)``, ``messages_stopped(c)`` read the resident; ``guess_language``
    picks Samen's language from the app's setting.
- * ``bot.questions`` (below this layer, so the runtime holds the store without importing
  the layer that uses the runtime): ``Question`` and ``QuestionStore`` (table
  ``open_questions``, migration 0013, key (channel, person id)): one open question per
  person, expiring after
  ``CONVERSATION_TIMEOUT`` (15 minutes), surviving a restart. It is the only
  conversation state: PTB's ConversationHandler and persistence are gone. The store
  keeps them in memory too (written through, read at start), so a channel knows without
  a query whether an update answers one. Name questions "<journey>.<question>"
  ("mydata.postcode"); ``data`` holds short values, never typed text.
- ``journeys``: ``Journeys`` routes by dispatch tables, in this order: a tap by its prefix
  (well-formed data only, ``bot.buttons.decode``); a command, or a main-menu label in any
  language, which first close the open question; an answer to the open question; a
  typed answer to what is on screen; typed text of a known shape; any other typed text
  (the text step, handlers.listen). Each key has one step; a second registration is refused.
  * ``answer(question, step, kinds=(Kind.TEXT,))``: an answer is typed text unless the
    journey names more kinds (LOCATION, CONTACT, MEDIA); others fall through, so a voice
    message during a postcode question still gets the offer of a call.
    ``accepts`` (a test on the Incoming): what it refuses is routed as if no question
    were open (crisis words while asked where to look reach the text step).
  * ``typed(name, looks_like, step)``: typed text of a shape a journey knows (a postcode
    typed without being asked), when no open question takes it; before the text step.
  * ``typed_answer(reader)``: typed text no question, command or label takes is offered
    to these readers before the text step (and before WhatsApp reads it as a tap on the
    choices last shown): ``answered_typed(conversation)``. A check-in's "goed".
  * ``start_payload(pattern, step)``: ``/start <payload>`` whose payload matches the
    pattern (an invitation in a start link) goes to that step before /start's own.
  * ``otherwise(kind, step)``: what no journey claimed, by kind (unknown commands,
    stale or forged buttons, edits, media): handlers/unexpected.py registers these.
  * ``route(incoming, question)`` (= ``claims`` or ``leftover``) is synchronous (PTB
    asks its handlers so) and ``handle(conversation)`` runs the step; the text step is a
    leftover, so a channel may read a short typed answer that no journey ``claims`` as a
    tap on a choice shown (WhatsApp does, with ``understanding.says_more_than_a_choice``);
    ``moves_on(incoming)`` says a command or menu tap.
  * ``greet(step)`` / ``greet_first(conversation)``: on a channel where people write
    first instead of sending /start (WhatsApp), the first word of someone Samen does
    not know goes to this step (onboarding; crisis words get their help first).
  * /start itself is a command on the layer (handlers/start.py); its codes: invites,
    the emergency contact's link, the link to a resident's other app.
- ``menu``: * ``MenuAction``, ``MENU_LABELS``, ``menu_label_index``, ``menu_action``, so
  routing by menu label needs no channel.

Each journey package has ``register(journeys)``; handlers/__init__.py calls them.
A step is ``async def step(c: Conversation) -> None``. Button data is made with
``bot.buttons.encode``; a step reads its arguments with ``args_of(c.incoming.data)``.
Roles: ``handlers.auth.only_for(Role.COORDINATOR)`` on a step. Shared pieces:
``handlers.helplines`` (113, 112 and the desk), ``handlers.choices`` (languages, consent),
``handlers.expired.choice_expired``, ``handlers.unexpected.call_choice``. Every journey
is on this layer: handlers/ imports no messenger SDK and no channel adapter (the import
contract in pyproject.toml has no exceptions).

Telegram (bot/channels/telegram/): ``handler.install`` puts three handlers on PTB's
application: ``people.load_person`` (group -1) loads the resident and language and, on a
command or menu tap, ends Samen's open question; ``JourneysHandler`` (group 0) routes
everything a person sends in a private chat (``Journeys.route``);
``errors.error_handler(step)`` logs ids only and tells the person with
``handlers.errors.went_wrong`` (through ``run_step``). Telegram-only helpers live there
too (``send.split_message``, ``send.shows_already``, ``render.main_menu``,
``context.SamenContext``).
A Reply renders as: rows, then choices, as inline buttons; else an ask as a reply
keyboard (the ask wins over the menu); else the menu. A ``place`` goes first, as a
venue. Choices win over the menu (the
menu keyboard stays on screen from earlier messages). ``update`` edits the tapped
message unless it shows this already, and says anew after a typed message or with a
menu, ask or photo.
"""
