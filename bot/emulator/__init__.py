"""A local Telegram Bot API emulator so the bot can be tested end to end without Telegram.

Start it with ``EmulatorServer`` (or ``serve_forever`` from the CLI), point PTB at
``<url>/bot`` and drive the simulated people with ``EmulatorClient``.
"""

from bot.emulator.client import EmulatorClient, EmulatorError
from bot.emulator.server import EmulatorServer, create_app, serve_forever
from bot.emulator.state import EmulatorState, Realism

__all__ = [
    "EmulatorClient",
    "EmulatorError",
    "EmulatorServer",
    "EmulatorState",
    "Realism",
    "create_app",
    "serve_forever",
]
