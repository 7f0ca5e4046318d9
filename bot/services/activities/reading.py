"""What every reader of the partners' files shares: the defaults a source sets once,
and what a read returns (the complete activities, the problems, the skipped ids).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from bot.services.activities import fields
from bot.services.activities.fields import ActivityData, FieldError

# An activity's id in its file: a CSV id or an iCalendar UID, without spaces.
EXTERNAL_ID = re.compile(r"[^\s]{1,200}")


@dataclass(frozen=True)
class SourceDefaults:
    """What partners' calendars rarely carry, set once per source; a row or event
    that has its own value keeps it. Names are the CSV columns."""

    organiser: str = ""
    kind: str = ""
    place: str = ""
    address: str = ""
    phone: str = ""
    website: str = ""

    def cells(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}

    def to_json(self) -> str:
        return json.dumps(self.cells(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SourceDefaults:
        return cls(**json.loads(text or "{}"))

    def check(self) -> list[str]:
        """Problems with the defaults themselves, so they are caught when set, not per row."""
        checks = {"kind": fields.kind, "phone": fields.phone, "website": fields.website}
        problems = []
        for name, value in self.cells().items():
            try:
                checks.get(name, lambda v: fields.text(v, required=False))(value)
            except FieldError as error:
                problems.append(f"{name}: {error}")
        return problems


NO_DEFAULTS = SourceDefaults()


@dataclass
class ReadResult:
    activities: list[ActivityData] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Ids of rows/events that had problems: an import keeps what it has of them
    # instead of hiding them as if the partner had removed them.
    skipped_ids: set[str] = field(default_factory=set)
