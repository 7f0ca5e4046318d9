"""Call requests: a resident asks for a phone call, a volunteer calls back."""
