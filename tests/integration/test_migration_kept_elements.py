"""The kept-elements migration (notes.element and notes.attributes, containers.label), up from the
schema before it with data in it, and back: a kept element stays readable as a general note."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from extensions import db
from tests.helpers import app_at_revision

BEFORE = "f7b2d4a9c1e3"


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_notes_and_containers_keep_their_data_and_kept_elements_go_back_as_general_notes(
    tmp_path, monkeypatch, request, database
):
    url = request.getfixturevalue("postgres_url") if database == "postgres" else f"sqlite:///{tmp_path}/m.db"
    app, runner = app_at_revision(tmp_path, monkeypatch, url, BEFORE)
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO archival_descriptions (id, lft, rgt, depth, slug, identifier, title, level_of_description,"
                " publication_status, has_digital_object, created_at, updated_at) VALUES"
                " (1, 1, 2, 0, 'f', 'F1', 'A fonds', 'fonds', 'published', false, '2026-01-01', '2026-01-01')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO notes (id, description_id, note_type, content, position) VALUES (1, 1, 'general', 'N', 0)"
            )
        )
        db.session.execute(text("INSERT INTO containers (id, container_type, name) VALUES (1, 'Box', '3')"))
        db.session.commit()
        db.engine.dispose()

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["db", "check"]).exit_code == 0  # the migration matches the models
    with app.app_context():
        assert db.session.execute(text("SELECT note_type, content, element, attributes FROM notes")).one() == (
            "general", "N", None, None,
        )  # fmt: skip
        assert db.session.execute(text("SELECT container_type, name, label FROM containers")).one() == (
            "Box",
            "3",
            None,
        )
        db.session.execute(
            text(
                "INSERT INTO notes (id, description_id, note_type, content, position, element, attributes)"
                " VALUES (2, 1, 'kept', 'An abstract', 1, 'did/abstract', '{\"label\": \"Abstract\"}')"
            )
        )
        db.session.execute(text("UPDATE containers SET label = 'Mixed Materials'"))
        db.session.commit()
        db.engine.dispose()

    result = runner.invoke(args=["db", "downgrade", BEFORE])
    assert result.exit_code == 0, result.output
    with app.app_context():
        notes = db.session.execute(text("SELECT note_type, content FROM notes ORDER BY id")).all()
        assert [tuple(n) for n in notes] == [("general", "N"), ("general", "An abstract")]
        assert db.session.execute(text("SELECT container_type, name FROM containers")).one() == ("Box", "3")
        db.engine.dispose()
