"""Care: check-ins with their safety net, and the monthly self-check."""
