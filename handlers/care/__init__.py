"""Care: the check-ins a resident chooses, and the monthly self-check.

checkins.py: the check-in menu, set-up, a break, stop; checkin_texts.py: what those
screens say; safety_net.py: switching the safety net on, with the phone number;
answers.py: a check-in's answer, tapped or typed, and what Samen says back;
contact.py: the emergency contact (the resident's, the contact's and their answer);
selfcheck.py: the monthly self-check.
"""
