"""How well Samen understands typed messages: accuracy per meaning on a labelled corpus.

    .venv/bin/python bench/understanding.py [CORPUS]

CORPUS is a JSON-lines file, one message per line: {"text", "language", "meaning"}
(default: tests/data/understanding_corpus.jsonl). A CSV file with the columns text,
language, meaning works too. Meanings are Samen's (``bot.services.understanding.reader.Meaning``:
crisis, call, lonely, activity, checkin, help_out, stop, delete, how, greeting, thanks,
other); a few common other names for them are accepted too (see ALIASES), so a corpus
written by others can be checked as it is. Prints one line per meaning, then, as the last line, one
JSON object: {"accuracy": …, "crisis_recall": …, "n": …}. Crisis recall is the share
of crisis lines understood as crisis: it must be 1.0.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path

from bot.services.understanding.reader import Meaning, understand

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "tests/data/understanding_corpus.jsonl"


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as file:
        if path.suffix == ".csv":
            return list(csv.DictReader(file))
        return [json.loads(line) for line in file if line.strip()]


# Other names people give the same meanings; "greeting_thanks" accepts either answer.
ALIASES: dict[str, frozenset[str]] = {
    name: frozenset(meanings)
    for names, meanings in (
        (("suicide", "emergency", "acute", "danger"), ("crisis",)),
        (("call_me", "wants_call", "callback", "call_back", "talk", "phone"), ("call",)),
        (("loneliness", "alone", "lonely_alone", "feels_lonely"), ("lonely",)),
        (("activities", "something_to_do", "wants_activity", "activity_search"), ("activity",)),
        (("checkins", "check_in", "check_ins", "regular_message", "checkin_request"), ("checkin",)),
        (("help_others", "helpout", "volunteer", "wants_to_help", "helping"), ("help_out",)),
        (("unsubscribe", "stop_messages", "no_more_messages", "opt_out"), ("stop",)),
        (("delete_data", "erase", "forget_me", "remove_data", "data_deletion"), ("delete",)),
        (("help", "how_it_works", "howto", "how_to", "info", "what_is_this"), ("how",)),
        (("greet", "greetings", "hello"), ("greeting",)),
        (("thank", "thank_you", "thankyou"), ("thanks",)),
        (("greeting_thanks", "greetings_thanks", "smalltalk", "social"), ("greeting", "thanks")),
        (("unknown", "fallback", "none", "other_", "nothing", "unclear"), ("other",)),
    )
    for name in names
}


def accepted(label: str) -> frozenset[str]:
    """The meanings that count as right for a corpus label (Samen's own, or an alias)."""
    key = label.strip().lower().replace("-", "_").replace(" ", "_")
    return ALIASES.get(key, frozenset({key}))


def evaluate(rows: list[dict[str, str]]) -> dict[str, object]:
    """Accuracy per meaning and overall, crisis recall, and what was confused with what."""
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    confused: Counter[str] = Counter()
    for row in rows:
        expected = _field(row, "meaning", "label", "intent")
        got = understand(_field(row, "text", "message")).meaning.value
        total[expected] += 1
        if got in accepted(expected):
            right[expected] += 1
        else:
            confused[f"{expected} -> {got}"] += 1
    crisis_labels = [m for m in total if Meaning.CRISIS.value in accepted(m)]
    crisis = sum(total[m] for m in crisis_labels)
    return {
        "per_meaning": {m: round(right[m] / total[m], 3) for m in sorted(total)},
        "confusions": dict(confused.most_common()),
        "accuracy": round(sum(right.values()) / max(1, len(rows)), 4),
        "crisis_recall": round(sum(right[m] for m in crisis_labels) / crisis, 4)
        if crisis
        else None,
        "n": len(rows),
    }


def _field(row: dict[str, str], *names: str) -> str:
    """The first of these columns the corpus has ("meaning", or "label" / "intent")."""
    return next(str(row[name]) for name in names if name in row)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    result = evaluate(load(path))
    print(json.dumps({"per_meaning": result["per_meaning"]}))
    print(json.dumps({"confusions": result["confusions"]}))
    print(json.dumps({k: result[k] for k in ("accuracy", "crisis_recall", "n")}))


if __name__ == "__main__":
    main()
