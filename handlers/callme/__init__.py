"""The call-request journey: a resident asks a volunteer to call them back."""
