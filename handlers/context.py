"""The handlers' view of Samen; it lives with the Telegram channel (bot/channels/telegram),
and handlers not yet converted to the conversation layer import it from here."""

from __future__ import annotations

from bot.channels.telegram.context import BotData as BotData
from bot.channels.telegram.context import SamenContext as SamenContext
