"""How well Samen understands typed messages: accuracy per meaning on a labelled corpus.

    .venv/bin/python bench/understanding.py [CORPUS]

CORPUS is a JSON-lines file, one message per line: {"text", "language", "meaning"}
(default: tests/data/understanding_corpus.jsonl). A CSV file with the columns text,
language, meaning works too. Prints one line per meaning, then, as the last line, one
JSON object: {"accuracy": …, "crisis_recall": …, "n": …}. Crisis recall is the share
of crisis lines understood as crisis: it must be 1.0.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path

from bot.services.understanding import Meaning, understand

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "tests/data/understanding_corpus.jsonl"


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as file:
        if path.suffix == ".csv":
            return list(csv.DictReader(file))
        return [json.loads(line) for line in file if line.strip()]


def evaluate(rows: list[dict[str, str]]) -> dict[str, object]:
    """Accuracy per meaning and overall, crisis recall, and what was confused with what."""
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    confused: Counter[str] = Counter()
    for row in rows:
        expected = row["meaning"]
        got = understand(row["text"]).meaning.value
        total[expected] += 1
        if got == expected:
            right[expected] += 1
        else:
            confused[f"{expected} -> {got}"] += 1
    crisis = total[Meaning.CRISIS.value]
    return {
        "per_meaning": {m: round(right[m] / total[m], 3) for m in sorted(total)},
        "confusions": dict(confused.most_common()),
        "accuracy": round(sum(right.values()) / max(1, len(rows)), 4),
        "crisis_recall": round(right[Meaning.CRISIS.value] / crisis, 4) if crisis else None,
        "n": len(rows),
    }


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    result = evaluate(load(path))
    print(json.dumps({"per_meaning": result["per_meaning"]}))
    print(json.dumps({"confusions": result["confusions"]}))
    print(json.dumps({k: result[k] for k in ("accuracy", "crisis_recall", "n")}))


if __name__ == "__main__":
    main()
