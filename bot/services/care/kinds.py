"""The outbox kinds of the check-ins' own messages, and what setting them up agrees to.

Setting up check-ins is the agreement to them: the check-in, its reminder and the news
about one's own safety net (an emergency contact said yes or stopped) come every day at
the chosen time whether or not the person wrote first. On WhatsApp, outside the 24-hour
window, these kinds therefore need no general opt-in while a schedule exists; news
nobody asked for individually (broadcasts) still does. Stopping check-ins ends it.
"""

from __future__ import annotations

CHECKIN = "checkin"
NUDGE = "checkin-nudge"
NET_NEWS = "emergency-contact"  # news to the resident about their safety net
# "Your check-in could not be delivered", told once when they write again (undelivered.py).
UNDELIVERED_NOTICE = "checkin-undelivered"

AGREED_WITH_CHECKINS = frozenset({CHECKIN, NUDGE, NET_NEWS})
