"""What an import adds or replaces beside its records goes back with its Undo: the vocabulary
entries it added that nothing else uses, and the events, notes, access points an update replaced."""

from __future__ import annotations

from models import JobStatus, LevelOfDescription
from tests.import_export_support import fixture_bytes, run_form
from tests.ledger.test_undo import every_description, everything_held, undo_through_the_page


def test_levels_an_import_added_go_with_its_undo_unless_another_record_uses_them(as_user, run_jobs):
    """An import with many new levels of description grew every browse page; its Undo left them."""
    client = as_user("alice")
    levels = LevelOfDescription.names()
    rows = ["legacyId,parentId,identifier,title,levelOfDescription", "1,,L,Levels fonds,Fonds"]
    rows += [f"{n},1,L-{n},Record {n},Odd level {n}" for n in range(2, 12)]
    first = run_form(client, run_jobs, "import_descriptions", ("levels.csv", "\n".join(rows).encode()))
    assert len(LevelOfDescription.names()) == len(levels) + 10
    other = b"legacyId,parentId,identifier,title,levelOfDescription\n1,,O,Other fonds,Odd level 2\n"
    run_form(client, run_jobs, "import_descriptions", ("other.csv", other))
    assert "It also removes the 10 vocabulary entries it added" in client.get(f"/jobs/{first.id}/undo").text
    undo = undo_through_the_page(client, run_jobs, first)
    assert (
        undo.info
        == f"Undid job {first.id}: 11 deleted, 9 levels of description it added removed (used by nothing else)."
    )
    assert set(LevelOfDescription.names()) == set(levels) | {"odd level 2"}  # the other fonds still uses it
    undo_through_the_page(client, run_jobs, undo)
    assert len(LevelOfDescription.names()) == len(levels) + 10


def test_an_update_import_that_replaced_events_is_undone_with_them(as_user, fonds, run_jobs):
    """An update import replaces the matched records' events (and notes, access points...): its
    Undo puts the old ones back, and the job page says what was replaced."""
    client = as_user("alice")
    original = fixture_bytes("harbour.csv")
    run_form(client, run_jobs, "import_descriptions", ("harbour.csv", original), record=fonds)
    before, held = every_description(), everything_held()
    changed = original.replace(b"1890-1920|1921-1930", b"1890-1920|1921-1931")
    assert changed != original
    update = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", changed), record=fonds, match="update")
    assert everything_held() != held
    changes = client.get(f"/jobs/{update.id}").html.find("table", class_="changes").get_text(" ", strip=True)
    assert "Notes, events, access points and containers" in changes
    assert "Events: 2" in changes
    undo = undo_through_the_page(client, run_jobs, update)
    assert undo.status == JobStatus.COMPLETED, undo.output
    assert "conflict" not in undo.info, undo.output
    assert everything_held() == held
    assert every_description() == before
