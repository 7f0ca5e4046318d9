"""Partners keep their own (issue 16): a coordinator's invite link makes someone the
partner of one source; they change, hide and show that source's activities in the
chat, and nothing else; every change is in /audit; erasure ends the partnership.

Telegram only: there is no resident here, and a partner joins with /start <invite
code>, which WhatsApp's onboarding does not take yet."""

from __future__ import annotations

import re

from bot.emulator.client import EmulatorClient
from tests.conftest import FakeClock
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.harness import Person, SamenBot, buttons_of, text_of
from tests.e2e.test_activities import town  # noqa: F401 (a fixture)
from tests.e2e.test_call_requests import CODE
from tests.e2e.test_mydata import all_rows_mentioning

OWN = "example_activities.csv"
OTHER = "example_activities.ics"


async def invite_partner(coen: Person, source: str) -> str:
    await coen.say("/partner")
    listed = text_of(await coen.expect("Which sources will the partner keep?"))
    assert OWN in listed and OTHER in listed
    await coen.say("/partner nosuchsource")
    await coen.expect("I do not know these sources: nosuchsource")
    await coen.say(f"/partner {source}")
    link = await coen.expect("Invite link for a partner")
    assert f"keeps the activities of {source}" in text_of(link)
    match = CODE.search(text_of(link))
    assert match is not None
    return match.group(1)


async def test_a_partner_keeps_their_own_source_and_nothing_else(
    town: tuple[SamenBot, FakeClock],  # noqa: F811 (the fixture imported above)
    client: EmulatorClient,
) -> None:
    samen, _clock = town
    coen = await Person(client, COORDINATOR_ID, "Coen", "en").join(opened=True)
    code = await invite_partner(coen, OWN)

    petra = await Person(client, 700_000_031, "Petra", "en").join()
    await petra.say(f"/start {code}")
    await petra.expect(f"invited to keep the activities of {OWN}")
    consent = await petra.expect(where=lambda e: "✅ I agree" in buttons_of(e))
    await petra.press(consent, "✅ I agree")
    await petra.expect(f"You now keep the activities of {OWN}")

    # Her own list: only her source's activities, to open and change.
    await petra.say("/activities")
    mine = await petra.expect("Your activities")
    own_titles = {
        r[0] for r in await samen.query(f"SELECT title_en FROM activities WHERE source = '{OWN}'")
    }
    listed = [b for b in buttons_of(mine) if not b.startswith("➕")]
    assert listed and all(title in own_titles for title in listed)
    await petra.press(mine, listed[0])
    details = await petra.expect("Next time", where=lambda e: "✏️ Change" in buttons_of(e))
    activity_id = int(re.findall(r"Number (\d+)", text_of(details))[0])
    await petra.press(details, "✏️ Change")
    which = await petra.expect("What do you want to change")
    await petra.press(which, "Title (English)")
    await petra.expect("What is the activity called in English?")
    await petra.say("Our renamed morning")
    await petra.expect("✅ Saved.")
    changed = await petra.expect("Our renamed morning", where=lambda e: "🙈 Hide" in buttons_of(e))
    await petra.press(changed, "🙈 Hide")
    await petra.expect_toast("Hidden. Residents no longer see it.")
    # Her own hide reads as hers, never as a coordinator's.
    hidden = await petra.expect(
        "Hidden by the organisation that keeps it", where=lambda e: bool(e.get("edited"))
    )
    assert "coordinator" not in text_of(hidden)
    await petra.press(hidden, "👁 Show again")
    await petra.expect_toast("Residents can see it again.")
    assert await samen.query(
        "SELECT action FROM activity_changes WHERE changed_by = ? ORDER BY id", (petra.user_id,)
    ) == [("edit",), ("hide",), ("show",)]

    # Another source's activity: every button refused, nothing changed.
    other = (await samen.query(f"SELECT id FROM activities WHERE source = '{OTHER}' LIMIT 1"))[0][0]
    message_id = details.get("message_id")
    assert message_id is not None
    for forged in (f"ae:{other}", f"aef:{other}:title_en", f"ah:{other}:hide"):
        await petra.client.press(petra.user_id, message_id, callback_data=forged, forge=True)
        await petra.expect_toast("This is not available for you.")
        await petra.expect("Sorry, this activity is not one of yours.")
    assert await samen.query(
        "SELECT count(*) FROM activity_changes WHERE activity_id = ? AND changed_by IS NOT NULL",
        (other,),
    ) == [(0,)]
    # And nothing else of the team's: no invites, no numbers.
    for command in ("/partner " + OWN, "/invite", "/audit"):
        await petra.say(command)
        await petra.expect("Sorry, this is only for the Samen team.")

    # The coordinators see it all in /audit, in plain words.
    await coen.say("/audit")
    audit = text_of(await coen.expect("Latest actions"))
    assert f"made an invitation for a partner of {OWN}" in audit
    assert f"made Petra the partner of {OWN}" in audit
    assert "Petra changed the activity “Our renamed morning”" in audit
    assert "Petra hid the activity" in audit and "Petra showed the activity" in audit
    assert activity_id != other

    # Erasure ends the partnership: no role, no source, no trace of her id.
    await petra.say("/mydata")
    await petra.press(await petra.expect("What Samen stores"), "🗑 Delete everything")
    question = await petra.expect(where=lambda e: "🗑 Yes, delete everything" in buttons_of(e))
    await petra.press(question, "🗑 Yes, delete everything")
    await petra.expect("Everything is deleted")
    await samen.stop()
    assert await all_rows_mentioning(samen, str(petra.user_id)) == []
