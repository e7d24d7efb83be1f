"""The whole-description migration, up from the schema before it with data in it, and back."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from extensions import db
from tests.helpers import app_at_revision

BEFORE = "703ed7c4fb7c"


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_descriptions_keep_their_data_and_their_levels_join_the_vocabulary(tmp_path, monkeypatch, request, database):
    url = request.getfixturevalue("postgres_url") if database == "postgres" else f"sqlite:///{tmp_path}/m.db"
    app, runner = app_at_revision(tmp_path, monkeypatch, url, BEFORE)
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO archival_descriptions (lft, rgt, depth, slug, identifier, title, level_of_description,"
                " publication_status, has_digital_object, created_at, updated_at) VALUES"
                " (1, 4, 0, 'f', 'F1', 'A fonds', 'fonds', 'published', false, '2026-01-01', '2026-01-01'),"
                " (2, 3, 1, 'p', 'P1', 'A piece', 'piece', 'draft', false, '2026-01-01', '2026-01-01')"
            )
        )
        db.session.commit()
        db.engine.dispose()

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["db", "check"]).exit_code == 0  # the migration matches the models
    with app.app_context():
        rows = db.session.execute(
            text("SELECT slug, title, languages, other_fields, repository_id FROM archival_descriptions ORDER BY lft")
        ).all()
        levels = db.session.execute(text("SELECT key, name FROM levels_of_description ORDER BY position")).all()
        db.engine.dispose()
    assert [(slug, title) for slug, title, *_ in rows] == [("f", "A fonds"), ("p", "A piece")]
    assert all(row.repository_id is None and row.languages in ("[]", []) for row in rows)
    assert all(row.other_fields in ("{}", {}) for row in rows)
    assert [key for key, _ in levels] == [
        "fonds",
        "subfonds",
        "collection",
        "series",
        "subseries",
        "file",
        "item",
        "part",
        "record group",
        "piece",
    ]
    assert dict(levels)["piece"] == "Piece"

    result = runner.invoke(args=["db", "downgrade", BEFORE])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM archival_descriptions")) == 2
        db.engine.dispose()
