"""The safety net's queries (``safety.py``): which check-ins are due for which step.

Each joins the check-in's own outbox row (by its dedupe key) to learn how its delivery
went: the same for every channel, as each messenger records its outcome there
(Telegram's 403 as blocked; WhatsApp's refusals and its later 'failed' status as failed).
"""

DELIVERY_JOIN = " LEFT JOIN outbox o ON o.dedupe_key = 'checkin:' || c.telegram_id || ':' || c.slot"
# Whose safety net works: not someone who stopped messages, but someone Samen's messages
# cannot reach (they blocked it, or the app refused): a volunteer can still call them.
NET_WORKS = "r.status IN ('active', 'unreachable')"

NUDGE_SQL = (
    "SELECT c.id, c.telegram_id, c.slot, o.sent_at, r.first_name, r.language"
    " FROM checkin_sends c" + DELIVERY_JOIN + " JOIN checkin_subscriptions s"
    " ON s.telegram_id = c.telegram_id AND s.safety_net = 1"
    " JOIN residents r ON r.telegram_id = c.telegram_id AND r.status = 'active'"
    " WHERE c.safety_net = 1 AND c.answered_at IS NULL AND c.escalation IS NULL"
    " AND c.outcome = 'sent' AND c.created_at <= ? AND o.status = 'sent'"
    " AND NOT EXISTS (SELECT 1 FROM safety_steps x WHERE x.send_id = c.id AND x.step = 'nudge')"
    " ORDER BY c.created_at LIMIT ?"
)

WATCH_SQL = (
    "SELECT c.id, c.telegram_id, c.slot, o.status AS delivery, o.sent_at,"
    " s.safety_net AS net_now, s.phone, r.status, r.language, r.first_name"
    " FROM checkin_sends c" + DELIVERY_JOIN + " LEFT JOIN checkin_subscriptions s"
    " ON s.telegram_id = c.telegram_id"
    " LEFT JOIN residents r ON r.telegram_id = c.telegram_id"
    " WHERE c.safety_net = 1 AND c.answered_at IS NULL AND c.escalation IS NULL"
    " AND c.outcome = 'sent' AND c.created_at <= ? ORDER BY c.created_at LIMIT ?"
)

# Check-ins whose volunteer task may call for step 3: still unanswered, the net still
# on, and no step beyond the task reached yet.
CLIMB_SQL = (
    "SELECT c.id, c.task_id, c.escalated_at, r.first_name, r.language,"
    " e.contact_id, e.contact_language, o.status AS delivery"
    " FROM checkin_sends c" + DELIVERY_JOIN + " JOIN checkin_subscriptions s"
    " ON s.telegram_id = c.telegram_id AND s.safety_net = 1"
    f" JOIN residents r ON r.telegram_id = c.telegram_id AND {NET_WORKS}"
    " LEFT JOIN emergency_contacts e ON e.resident_id = c.telegram_id"
    " AND e.contact_id IS NOT NULL"
    " WHERE c.escalation IN ('task', 'existing') AND c.answered_at IS NULL"
    " AND c.escalated_at >= ?"
    " AND NOT EXISTS (SELECT 1 FROM safety_steps x WHERE x.send_id = c.id"
    " AND x.step IN ('contact', 'coordinators'))"
    " ORDER BY c.escalated_at"
)

# The contact was told this long ago and neither they nor the resident answered.
SILENT_CONTACT_SQL = (
    "SELECT c.id, r.first_name, o.status AS delivery FROM checkin_sends c" + DELIVERY_JOIN + ""
    " JOIN safety_steps x ON x.send_id = c.id AND x.step = 'contact'"
    f" JOIN residents r ON r.telegram_id = c.telegram_id AND {NET_WORKS}"
    " WHERE c.answered_at IS NULL AND x.reached_at <= ?"
    " AND NOT EXISTS (SELECT 1 FROM safety_steps y WHERE y.send_id = c.id"
    " AND y.step IN ('well', 'look', 'coordinators'))"
)

CONTACT_OF_SEND_SQL = (
    "SELECT c.telegram_id, c.escalation, c.task_id, r.first_name FROM checkin_sends c"
    " JOIN emergency_contacts e ON e.resident_id = c.telegram_id AND e.contact_id = ?2"
    " JOIN residents r ON r.telegram_id = c.telegram_id"
    " JOIN safety_steps x ON x.send_id = c.id AND x.step = 'contact'"
    " WHERE c.id = ?1"
    " AND NOT EXISTS (SELECT 1 FROM safety_steps y WHERE y.send_id = c.id"
    " AND y.step IN ('well', 'look'))"
)

# A check-in whose contact was told and has not answered yet.
TOLD_CONTACT_SQL = (
    "SELECT c.id, r.first_name, e.contact_id, e.contact_language FROM checkin_sends c"
    " JOIN safety_steps x ON x.send_id = c.id AND x.step = 'contact'"
    " JOIN emergency_contacts e ON e.resident_id = c.telegram_id AND e.contact_id IS NOT NULL"
    " JOIN residents r ON r.telegram_id = c.telegram_id"
    " WHERE c.telegram_id = ? AND c.slot = ?"
    " AND NOT EXISTS (SELECT 1 FROM safety_steps y WHERE y.send_id = c.id"
    " AND y.step IN ('well', 'look', 'answered'))"
)

# The newest step-3 message to this contact that nobody answered yet.
OPEN_ALERT_SQL = (
    "SELECT c.id, r.first_name FROM checkin_sends c"
    " JOIN safety_steps x ON x.send_id = c.id AND x.step = 'contact'"
    " JOIN emergency_contacts e ON e.resident_id = c.telegram_id AND e.contact_id = ?"
    " JOIN residents r ON r.telegram_id = c.telegram_id"
    " WHERE c.answered_at IS NULL AND x.reached_at >= ?"
    " AND NOT EXISTS (SELECT 1 FROM safety_steps y WHERE y.send_id = c.id"
    " AND y.step IN ('well', 'look', 'answered'))"
    " ORDER BY x.reached_at DESC LIMIT 1"
)
