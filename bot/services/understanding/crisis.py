"""Which help a crisis message needs first: 112 for the body, 113 for the mind."""

from __future__ import annotations

from enum import StrEnum

from bot.services.understanding.phrases import normalise


class CrisisKind(StrEnum):
    """What a crisis message needs first: 112 for the body, 113 for the mind."""

    BODY = "body"  # a fall, chest pain, no breath, fire, an intruder: 112 now
    MIND = "mind"  # not wanting to live, despair: 113 first, and a warm word


# Word beginnings (after ``normalise``) that speak of life and death: these go to 113
# even when the body is named too ("ik wil niet meer leven, ik heb pillen").
_MIND_STEMS = (
    "leven",
    "levn",
    "dood",
    "zelfmoord",
    "suicid",
    "einde",
    "eind",
    "pil",
    "slaappil",
    "zitten",
    "zin",
    "hoeft",
    "uitstap",
    "ophouden",
    "verdwijnen",
    "afscheid",
    "missen",
    "live",
    "living",
    "life",
    "die",
    "dead",
    "death",
    "kill",
    "end",
    "pills",
    "point",
    "anymore",
    "goodbye",
    "gone",
    "disappear",
    "better off",
    "go on",
    "cant take",
    "mezelf pijn",
    "mijzelf pijn",
    "snij",
    "harm myself",
    "cutting myself",
)
# Word beginnings of a bodily emergency or danger.
_BODY_STEMS = (
    "geval",
    "val",
    "opstaan",
    "opstaa",
    "borst",
    "hart",
    "adem",
    "lucht",
    "bloed",
    "brand",
    "rook",
    "inbre",
    "inbraak",
    "beroerte",
    "verlam",
    "verdwaald",
    "gebroken",
    "breuk",
    "pijn",
    "flauw",
    "duizel",
    "slaat",
    "sloeg",
    "bedreig",
    "vloer",
    "grond",
    "fell",
    "fallen",
    "fall",
    "floor",
    "chest",
    "heart",
    "breath",
    "breathe",
    "bleed",
    "blood",
    "fire",
    "smoke",
    "stroke",
    "burglar",
    "intruder",
    "lost",
    "broken",
    "pain",
    "faint",
    "dizzy",
    "hitting",
    "hit",
    "threat",
    "onwel",
    "reageert niet",
    "bewusteloos",
    "ingestort",
    "collaps",
    "unconscious",
    "not responding",
    "emergency",
    "noodgeval",
    "ambulance",
)


def crisis_kind(text: str) -> CrisisKind:
    """Which help a crisis message needs first; when in doubt, the mind (113)."""
    words = normalise(text).split()
    joined = " ".join(words)

    def names(stems: tuple[str, ...]) -> bool:
        return any(
            (" " in stem and stem in joined) or any(w.startswith(stem) for w in words)
            for stem in stems
        )

    if names(_MIND_STEMS):
        return CrisisKind.MIND
    return CrisisKind.BODY if "112" in words or names(_BODY_STEMS) else CrisisKind.MIND
