"""Channel adapters: the only code that knows a messenger's SDK (Telegram, WhatsApp)."""
