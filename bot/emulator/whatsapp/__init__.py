"""A local WhatsApp Cloud API emulator (issue 15), beside the Telegram one.

No usable one exists for Python. It applies Meta's rules (reply buttons, lists, body
lengths, templates, the 24-hour window), signs the webhooks it pushes, reports statuses,
and can throttle (130429, 131056), fail at random (seeded) and deliver twice.
Payload shapes follow Meta's (the BSUID era: ``user_id``/``from_user_id``), as pywa
parses them.
"""

from bot.emulator.whatsapp.client import WhatsAppEmulatorClient
from bot.emulator.whatsapp.server import WhatsAppEmulator

__all__ = ["WhatsAppEmulator", "WhatsAppEmulatorClient"]
