"""Channel adapters: the messengers Samen speaks through (Telegram, WhatsApp)."""
