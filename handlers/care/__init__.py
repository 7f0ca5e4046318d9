"""Care: the check-ins a resident chooses, and the monthly self-check."""
