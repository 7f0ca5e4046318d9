"""Telegram through the conversation layer (``bot.chat``).

``JourneysHandler`` turns a PTB update into an ``Incoming`` and a
``TelegramConversation`` and asks the registered journeys; ``render`` turns a Reply into
inline keyboards (choices, list rows), reply keyboards (menu, asks) and edits (``update``).
"""
