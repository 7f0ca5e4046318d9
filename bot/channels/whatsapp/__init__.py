"""WhatsApp through Meta's Cloud API (issue 15): people, templates, webhook, delivery."""
