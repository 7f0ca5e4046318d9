"""Understanding typed messages: the labelled corpus, and the rules one by one."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.db import Database
from bot.services import Services
from bot.services.activities.catalog import When
from bot.services.activities.kinds import Kind
from bot.services.stats import Later
from bot.services.understanding.reader import (
    CrisisKind,
    Meaning,
    crisis_kind,
    normalise,
    says_more_than_a_choice,
    typed_choice,
    understand,
    yes_or_no,
)

CORPUS = Path(__file__).resolve().parent.parent / "data" / "understanding_corpus.jsonl"
# Fresh messages written before the word lists were read, to see whether the rules
# carry over to wordings they were not tuned on (see bench/understanding.py).
HELD_OUT = Path(__file__).resolve().parent.parent / "data" / "understanding_heldout.jsonl"
# Written later still, as residents, their children and volunteers type on a phone,
# before the word lists were read: typos, dictation, dialect, negations, indirect crisis
# talk, sadness that is no crisis, idioms that only look like one.
FRESH = Path(__file__).resolve().parent.parent / "data" / "understanding_fresh.jsonl"


def _corpus(path: Path = CORPUS) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def test_the_corpus_is_broad_enough() -> None:
    rows = _corpus()
    assert len(rows) >= 150
    assert {row["language"] for row in rows} == {"nl", "en"}
    per_meaning = Counter(row["meaning"] for row in rows)
    assert set(per_meaning) == {m.value for m in Meaning}
    assert per_meaning[Meaning.CRISIS.value] >= 12
    for meaning in Meaning:  # every meaning in both languages
        languages = {row["language"] for row in rows if row["meaning"] == meaning.value}
        assert languages == {"nl", "en"}, meaning


def test_accuracy_on_the_corpus_and_every_crisis_line() -> None:
    rows = _corpus()
    right = [understand(row["text"]).meaning.value == row["meaning"] for row in rows]
    assert sum(right) / len(rows) >= 0.98  # 0.994 when the fresh corpus came
    crisis = [row["text"] for row in rows if row["meaning"] == Meaning.CRISIS.value]
    missed = [text for text in crisis if understand(text).meaning is not Meaning.CRISIS]
    assert missed == []


def test_accuracy_on_the_held_out_corpus_and_every_crisis_line() -> None:
    rows = _corpus(HELD_OUT)
    assert len(rows) >= 200
    assert {row["meaning"] for row in rows} == {m.value for m in Meaning}
    crisis = [row["text"] for row in rows if row["meaning"] == Meaning.CRISIS.value]
    assert len(crisis) >= 70
    right = [understand(row["text"]).meaning.value == row["meaning"] for row in rows]
    assert sum(right) / len(rows) >= 0.97  # 0.990 when the fresh corpus came
    missed = [text for text in crisis if understand(text).meaning is not Meaning.CRISIS]
    assert missed == []


def test_accuracy_on_the_fresh_corpus_every_crisis_line_and_few_false_alarms() -> None:
    rows = _corpus(FRESH)
    assert len(rows) >= 400
    assert {row["meaning"] for row in rows} == {m.value for m in Meaning}
    read = [(row, understand(row["text"]).meaning.value) for row in rows]
    assert sum(row["meaning"] == got for row, got in read) / len(rows) >= 0.95  # 0.954 now
    missed = [row["text"] for row, got in read if row["meaning"] == "crisis" != got]
    assert missed == []
    calm = [got for row, got in read if row["meaning"] != "crisis"]
    assert calm.count("crisis") / len(calm) <= 0.02  # a suicide line for the sad is rare


@pytest.mark.parametrize(
    "text",
    [
        "ik ga dood van de hitte",
        "ik lig dubbel",
        "die film was killing",
        "this heat is killing me",
        "het gaat zo-zo",
        "so-so",
        "beetje somber vandaag",
        "mijn man is vorig jaar overleden, ik mis hem",
        "ik heb de was opgehangen",  # no "ophangen": another tense, and of the washing
        "mijn plant is doodgegaan",
    ],
)
def test_idioms_and_sadness_get_no_suicide_line(text: str) -> None:
    assert understand(text).meaning is not Meaning.CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "het gaat zo-zo",
        "beetje somber vandaag",
        "voel me wat down",
        "ik moet de hele tijd huilen",
        "niet zo best vandaag",
        "feeling a bit low today",
        "not great today",
        "😢",
        "de feestdagen zijn moeilijk zonder haar",
    ],
)
def test_low_mood_is_met_as_feeling_alone_with_warmth_and_an_offer(text: str) -> None:
    assert understand(text).meaning is Meaning.LONELY


@pytest.mark.parametrize(
    "text",
    [
        "zelfmort",  # spelled as it sounds
        "ik wil niet meer leve",  # a spoken "-e" for "-en"
        "ik wil dod",
        "zelf doding",  # one word split in two
        "ik hoop dat ik vannacht in mijn slaap ga",
        "ik snij mezelf weer",
        "ik heb een touw gekocht",
        "ik moet 113 bellen",
        "ik doe het vannacht, ik heb alles geregeld",
        "ik ben voltooid, ik wil gaan",
        "i wish i wasnt here anymore",
        "ik wil me ophangen",
    ],
)
def test_crisis_in_other_words_and_spellings(text: str) -> None:
    assert understand(text).meaning is Meaning.CRISIS


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("Ik ben een zaam", Meaning.LONELY),  # split by autocorrect
        ("ffffff", Meaning.OTHER),  # "ff" is "even", and "even" is no "event"
        ("i want to quit", Meaning.STOP),  # "quit" is no "quiet"
        ("kan iemand mijn heg knippen", Meaning.OTHER),  # "knippen" is no "knoppen"
        ("ik had een nice dag", Meaning.OTHER),  # "dag" greets only first or alone
        ("dag samen", Meaning.GREETING),
        ("👋", Meaning.GREETING),
        ("🙏", Meaning.THANKS),
    ],
)
def test_spelling_words_and_emoji(text: str, meaning: Meaning) -> None:
    assert understand(text).meaning is meaning


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("bel me maar niet", Meaning.OTHER),
        ("ik wil niet mee doen met activiteiten", Meaning.OTHER),
        ("ik wil niet met een vrijwilliger praten, ik heb genoeg aanspraak", Meaning.OTHER),
        ("ik hoef geen telefoontje maar wel iets te doen buiten de deur", Meaning.ACTIVITY),
        ("ik wil niet naar activiteiten, wel graag gebeld worden", Meaning.CALL),
        ("kunt u mijn moeder eens opbellen ze heeft niemand", Meaning.CALL),
    ],
)
def test_a_wish_said_no_to_takes_back_the_rest_of_its_clause(text: str, meaning: Meaning) -> None:
    assert understand(text).meaning is meaning


@pytest.mark.parametrize(
    ("text", "more"),
    [
        ("niet zo goed", False),  # answers "Hoe gaat het?": the choice "🙁 Niet goed"
        ("zo-zo", False),
        ("beetje somber", False),
        ("ik ben zo eenzaam", True),  # feeling alone says more than any mood button
        ("bel me", True),
        ("ja", False),
    ],
)
def test_low_mood_alone_answers_a_question_about_mood(text: str, more: bool) -> None:
    assert says_more_than_a_choice(text) is more


@pytest.mark.parametrize(
    ("text", "declined"),
    [
        ("ik hoef geen telefoontje", True),
        ("ik ben niet eenzaam hoor", True),
        ("ik heb geen zin in activiteiten", True),
        ("mijn kleinzoon is jarig", False),  # nothing named at all
        ("ik lig dubbel", False),
    ],
)
def test_a_wish_said_no_to_is_declined_not_unclear(text: str, declined: bool) -> None:
    understood = understand(text)
    assert (understood.meaning, understood.declined) == (Meaning.OTHER, declined)


def test_a_time_asks_for_activities_only_with_a_question_about_what_is_on() -> None:
    assert understand("is er vanavond iets").meaning is Meaning.ACTIVITY
    assert understand("ik wil morgen naar de kapper").meaning is Meaning.OTHER


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("en morgen?", Meaning.ACTIVITY),  # a time and small words around it asks
        ("zondag dan?", Meaning.ACTIVITY),
        ("today too?", Meaning.ACTIVITY),
        ("zaterdag 14:30", Meaning.ACTIVITY),  # a clock time is part of the time
        ("doodmoe vandaag", Meaning.OTHER),  # a word about oneself: the time asks nothing
        ("ziek vandaag", Meaning.OTHER),
        ("moe vandaag", Meaning.OTHER),
    ],
)
def test_a_time_alone_asks_only_with_small_words_around_it(text: str, meaning: Meaning) -> None:
    assert understand(text).meaning is meaning


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("mijn telefoon is gevallen", Meaning.OTHER),  # a thing fell, not a person
        ("mijn kopje viel op de grond", Meaning.OTHER),
        ("my phone fell on the floor", Meaning.OTHER),
        ("er is een schilderij van de muur gevallen", Meaning.OTHER),
        ("ik ben met mijn telefoon gevallen", Meaning.CRISIS),  # someone fell with it
        ("mijn man is met de telefoon gevallen", Meaning.CRISIS),
        ("mijn telefoon is gevallen en ik kan niet opstaan", Meaning.CRISIS),
        ("mijn telefoon viel, ik lig op de grond", Meaning.CRISIS),
    ],
)
def test_a_thing_that_fell_is_no_fall(text: str, meaning: Meaning) -> None:
    assert understand(text).meaning is meaning


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("alle berichten mogen ophouden", Meaning.STOP),  # "alle" is no clipped "alles"
        ("die berichten mogen allemaal ophouden", Meaning.STOP),  # the messages, not life
        ("I want the messages to stop", Meaning.STOP),
        ("het mag allemaal ophouden", Meaning.CRISIS),
        ("van mij mag alles ophouden", Meaning.CRISIS),
        ("i want it all to stop", Meaning.CRISIS),
    ],
)
def test_the_messages_may_stop_and_all_of_it_is_a_crisis(text: str, meaning: Meaning) -> None:
    assert understand(text).meaning is meaning


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("she wakes up early", Meaning.OTHER),
        ("i wake up at 7", Meaning.OTHER),
        ("i dont want to wake up tomorrow", Meaning.CRISIS),
        ("i hope i dont wake up tomorrow", Meaning.CRISIS),
        ("my husband doesnt wake up", Meaning.CRISIS),
    ],
)
def test_waking_up_is_a_crisis_only_when_it_does_not_happen(text: str, meaning: Meaning) -> None:
    assert understand(text).meaning is meaning


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("ik heb mevrouw gebeld, het ging goed", Meaning.OTHER),  # a call made is news
        ("I called the gentleman, we talked for half an hour", Meaning.OTHER),
        ("wanneer word ik gebeld", Meaning.CALL),  # a call still to come is asked for
        ("kan iemand mij bellen", Meaning.CALL),
        ("kan ik ook op zaterdag bellen als vrijwilliger", Meaning.HELP_OUT),  # the role
        ("ik ben weer beschikbaar om te bellen", Meaning.HELP_OUT),
        ("are there any open call requests for me", Meaning.HELP_OUT),
        ("ik zou graag ouderen willen bellen", Meaning.HELP_OUT),
        ("ik wil me opgeven als vrijwilger", Meaning.HELP_OUT),  # to sign up, not give up
        ("hoe werkt dat bellen precies", Meaning.HOW),  # how it works, though it names a call
        ("ik snap niet wat ik moet doen", Meaning.HOW),
    ],
)
def test_volunteers_and_helpers_in_their_own_words(text: str, meaning: Meaning) -> None:
    assert understand(text).meaning is meaning


def test_giving_up_and_not_knowing_how_to_go_on_stay_a_crisis() -> None:
    """But signing up ("me opgeven als") and passing on ("geef door") are neither."""
    assert understand("hoe geef ik door dat ik iemand gesproken heb").meaning is not Meaning.CRISIS
    assert understand("ik wil het opgeven").meaning is Meaning.CRISIS
    assert understand("ik geef het allemaal op").meaning is Meaning.CRISIS  # the split verb
    assert understand("ik weet niet hoe ik verder moet").meaning is Meaning.CRISIS


def test_had_enough_stays_a_crisis_of_the_mind() -> None:
    """Fed up "with it" may be the rain or life: the safer reading, with 113 and warmth."""
    assert understand("ik heb er genoeg van").meaning is Meaning.CRISIS
    assert crisis_kind("ik heb er genoeg van") is CrisisKind.MIND


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("wie zijn jullie", Meaning.HOW),
        ("kost dit geld", Meaning.HOW),
        ("is dit een computer of een mens", Meaning.HOW),
        ("wat doen jullie met mijn gegevens", Meaning.HOW),
        ("het vangnet", Meaning.CHECKIN),
        ("ik wil opzeggen", Meaning.STOP),
        ("wil je alle berichten stoppen", Meaning.STOP),  # not a check-in
        ("ik wil vergeten worden", Meaning.DELETE),
        ("ik wil graag een vrijwilliger spreken", Meaning.CALL),
        ("ik wil anderen gezelschap bieden", Meaning.HELP_OUT),
    ],
)
def test_questions_about_samen_and_wishes_in_their_own_words(text: str, meaning: Meaning) -> None:
    assert understand(text).meaning is meaning


def test_normalise_lowers_strips_accents_punctuation_and_repeats() -> None:
    assert normalise("Hallooo, Ik Wíl  ÉÉN café!!") == "halloo ik wil een cafe"
    assert normalise("I don't   know") == "i dont know"


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("ik voel me eenzam", Meaning.LONELY),  # a letter missing
        ("kunt u mij belen", Meaning.CALL),
        ("KAN ER IEMAND MIJ BELLEN", Meaning.CALL),
        ("vrijwilger worden", Meaning.HELP_OUT),
        ("Verwijder mijn gegevens aub", Meaning.DELETE),
    ],
)
def test_typos_and_capitals(text: str, meaning: Meaning) -> None:
    assert understand(text).meaning is meaning


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("ik ben niet eenzaam", Meaning.OTHER),
        ("I am not lonely at all", Meaning.OTHER),
        ("ik wil niet gebeld worden", Meaning.OTHER),
        ("bel me niet", Meaning.OTHER),
        ("kan er niet iemand mij bellen?", Meaning.CALL),  # polite, not negated
        ("niemand belt mij ooit", Meaning.LONELY),  # nobody calls: no request for a call
        ("ik weet niet hoe dit werkt", Meaning.HOW),
    ],
)
def test_negation(text: str, meaning: Meaning) -> None:
    assert understand(text).meaning is meaning


@pytest.mark.parametrize(
    "text",
    [
        "112",
        "113",
        "hallo, ik wil niet meer leven",  # crisis wins over a greeting
        "ik wil niet meer, ik ben zo moe",  # a clause of its own
        "ik zie het echt niet meer zitten",  # negation words never hide a crisis
        "Ik ben gevallen en kom niet overeind",
        "I'm done with life",  # life + an end, in one clause
        "ik denk de laatste tijd vaak aan de dood",  # death + a thought
        "I want to end it",
    ],
)
def test_crisis(text: str) -> None:
    assert understand(text).meaning is Meaning.CRISIS


@pytest.mark.parametrize(
    "text", ["ik wil niet meer gebeld worden", "mijn man is dood, ik mis hem", "I live alone"]
)
def test_no_crisis_without_its_words(text: str) -> None:
    assert understand(text).meaning is not Meaning.CRISIS


def test_short_forms_are_read_as_the_words_they_stand_for() -> None:
    assert understand("ik zie het nt meer zitten").meaning is Meaning.CRISIS
    assert understand("kan iemand mn dochter bellen? nee, mij, pls").meaning is Meaning.CALL


def test_a_whole_clause_phrase_takes_no_extra_words() -> None:
    assert understand("hoe is het?").meaning is Meaning.GREETING
    assert understand("hoe laat is het?").meaning is Meaning.OTHER  # not "hoe … is het"
    assert understand("genoeg berichten, stop").meaning is Meaning.STOP


def test_a_request_wins_over_a_feeling_and_a_greeting() -> None:
    long = "sinds mijn man overleden is ben ik veel alleen, kan er iemand mij bellen?"
    assert understand(long).meaning is Meaning.CALL
    assert understand("Hallo, ik wil graag iemand spreken").meaning is Meaning.CALL
    assert understand("dank je, ik voel me zo alleen").meaning is Meaning.LONELY


@pytest.mark.parametrize(
    ("text", "kind", "when"),
    [
        ("koffie", Kind.COFFEE, None),
        ("is er morgen ergens koffie?", Kind.COFFEE, When.WEEK),
        ("zingen vandaag", Kind.MUSIC, When.TODAY),
        ("wandelen op zaterdag", Kind.SPORT, When.WEEK),
        ("biljarten", Kind.GAMES, None),
        ("bridge deze week", Kind.GAMES, When.WEEK),
        ("handwerken", Kind.CREATIVE, None),
        ("samen eten", Kind.MEALS, None),
        ("anything to do today?", None, When.TODAY),
        ("en morgen?", None, When.WEEK),
    ],
)
def test_activities_with_a_kind_and_a_time(text: str, kind: Kind | None, when: When | None) -> None:
    understood = understand(text)
    assert (understood.meaning, understood.kind, understood.when) == (Meaning.ACTIVITY, kind, when)


def test_a_time_in_a_long_sentence_is_no_wish_for_activities() -> None:
    assert understand("wat voor weer wordt het morgen").meaning is Meaning.OTHER


def test_a_kind_in_a_longer_message_needs_a_word_that_asks() -> None:
    assert understand("I had soup for lunch today").meaning is Meaning.OTHER
    assert understand("wat eten we vanavond").meaning is Meaning.OTHER
    asked = understand("waar kan ik hier biljarten")
    assert (asked.meaning, asked.kind) == (Meaning.ACTIVITY, Kind.GAMES)


def test_two_crisis_ideas_close_together_in_one_clause() -> None:
    assert understand("help me please, I'm so scared").meaning is Meaning.CRISIS
    assert understand("ik heb al mijn pillen gespaard").meaning is Meaning.CRISIS
    assert understand("ik moet mijn pillen halen bij de apotheek").meaning is Meaning.OTHER
    assert understand("at the end of the day it is fine").meaning is Meaning.OTHER


def test_help_alone_asks_how_it_works_and_nothing_is_other() -> None:
    assert understand("help").meaning is Meaning.HOW
    assert understand("").meaning is Meaning.OTHER
    assert understand("🙂👍").meaning is Meaning.OTHER
    assert understand("qwertyuiop").meaning is Meaning.OTHER


def test_a_long_message_is_read_quickly_and_whole() -> None:
    text = "het was een mooie dag " * 150 + "maar ik wil niet meer leven"
    assert understand(text).meaning is Meaning.CRISIS


LABELS = ["🗑 Yes, delete everything", "↩️ No, keep my data"]


@pytest.mark.parametrize(
    ("text", "choice"),
    [
        ("ja", 0),
        ("Klopt", 0),
        ("yes please", 0),
        ("nee", 1),
        ("nee hoor", 1),
        ("no thanks", 1),
        ("1", 0),
        ("2", 1),
        ("3", None),
        ("keep my data", 1),
        ("Yes delete everything", 0),
        ("misschien", None),
        ("", None),
    ],
)
def test_typed_choice(text: str, choice: int | None) -> None:
    assert typed_choice(text, LABELS, yes=0, no=1) == choice


@pytest.mark.parametrize(
    ("text", "clear", "answer"),
    [
        ("ja graag", True, True),
        ("Yes please!", True, True),
        ("goed", True, None),  # may say how someone is
        ("goed", False, True),  # but answers a yes/no question on screen
        ("niet goed", False, False),
        ("nee dank je", True, False),
        ("ja maar ik wil eigenlijk iets anders vragen", True, None),  # not a short answer
    ],
)
def test_yes_or_no(text: str, clear: bool, answer: bool | None) -> None:
    assert yes_or_no(text, clear=clear) is answer


def test_a_sentence_is_no_choice_even_when_a_stretch_of_it_looks_like_one() -> None:
    labels = ["✅ Ja, dat is goed", "Nee, liever niet"]
    assert typed_choice("mijn kleinzoon is jarig", labels, yes=0, no=1) is None
    assert typed_choice("ja dat is goed", labels, yes=0, no=1) == 0


def test_typed_choice_without_yes_or_no_takes_numbers_and_labels_only() -> None:
    labels = ["☕ Just a chat", "🧾 A practical question"]
    assert typed_choice("ja", labels) is None
    assert typed_choice("a practical question", labels) == 1
    assert typed_choice("2", labels) == 1


async def test_the_service_counts_meanings_and_never_keeps_the_text(
    services: Services, db: Database
) -> None:
    await services.understanding.read("ik voel me zo eenzaam, Anna Jansen, 06 12345678")
    await services.understanding.read("bellen aub")
    await services.understanding.read("xyz")
    assert await services.counts.total("typed_messages") == 3
    assert await services.counts.total("typed_lonely") == 1
    assert await services.counts.total("typed_call") == 1
    assert await services.counts.total("typed_other") == 1
    for table in await db.table_names():
        for row in await db.fetchall(f"SELECT * FROM {table}"):
            assert not any("eenzaam" in str(value) or "Jansen" in str(value) for value in row)


async def test_the_numbers_show_the_typed_counts(services: Services) -> None:
    await services.understanding.read("ik ben gevallen")
    report = await services.stats.report()
    typed = next(s for s in report.sections if s.key == "typed")
    # What people typed says how they feel: counted, but shown only as protected counts
    # of finished weeks (the small-number rule), never "1 crisis this week".
    assert {series.label for series in typed.series} >= {
        "typed instead of tapped",
        "crisis words: 113 and 112 shown",
        "nothing matched",
    }
    assert all(series.sensitive and series.values[-1] == Later() for series in typed.series)
    assert await services.counts.total("typed_crisis") == 1


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ik ben gevallen en kan niet opstaan", CrisisKind.BODY),
        ("I fell and can't get up", CrisisKind.BODY),
        ("pijn op de borst en ik krijg geen lucht", CrisisKind.BODY),
        ("112", CrisisKind.BODY),
        ("ik wil niet meer leven", CrisisKind.MIND),
        ("ik zie het niet meer zitten", CrisisKind.MIND),
        ("I want to end it all", CrisisKind.MIND),
        ("ik heb pijn en wil niet meer leven", CrisisKind.MIND),  # life and death: 113
        ("113", CrisisKind.MIND),
        ("ik doe mezelf pijn", CrisisKind.MIND),  # self-harm: 113, though "pijn"
        ("mijn moeder is onwel geworden en reageert niet", CrisisKind.BODY),
        ("my husband collapsed", CrisisKind.BODY),
        ("ik ben gevallen en heb mezelf bezeerd", CrisisKind.BODY),
    ],
)
def test_a_crisis_is_for_the_body_or_the_mind(text: str, kind: CrisisKind) -> None:
    assert crisis_kind(text) is kind
