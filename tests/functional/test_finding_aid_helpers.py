"""Finding aids rendered with WeasyPrint helper processes are the same PDF as in-process."""
from __future__ import annotations

import pytest
from pypdf import PdfReader
from test_finding_aid_rendering import CHUNK_SIZE, add_tree, page_texts, tree_spec

from actors.rendering import finding_aid
from actors.rendering.pdf_workers import ChunkTask


def test_helper_processes_give_the_same_pages_bookmarks_and_progress(app, tmp_path, monkeypatch):
    monkeypatch.setattr(finding_aid, "CHUNK_SIZE", CHUNK_SIZE)
    rows = add_tree(tree_spec())
    results = {}
    for processes in (1, 2):
        app.config["FINDING_AID_PROCESSES"] = processes
        dest = tmp_path / f"aid-{processes}.pdf"
        calls: list[tuple[int, int]] = []
        pages = finding_aid.render_finding_aid(rows[0].id, "pdf", dest, lambda *call: calls.append(call))
        reader = PdfReader(dest)
        results[processes] = (pages, page_texts(reader), [item.title for item in reader.outline], calls)
    assert results[1] == results[2]
    assert results[2][0] > 6


def test_a_failing_helper_fails_the_render_with_its_traceback(app, tmp_path, monkeypatch):
    monkeypatch.setattr(finding_aid, "CHUNK_SIZE", CHUNK_SIZE)
    rows = add_tree(tree_spec())
    app.config["FINDING_AID_PROCESSES"] = 2
    monkeypatch.setattr(finding_aid, "ChunkTask", _unwritable)
    with pytest.raises(RuntimeError, match="PDF helper process failed"):
        finding_aid.render_finding_aid(rows[0].id, "pdf", tmp_path / "aid.pdf", lambda *call: None)
    assert not (tmp_path / "aid.pdf").exists()


def _unwritable(html, unit_ids, may_carry, path) -> ChunkTask:
    """A task whose PDF cannot be written: the helper fails while writing it."""
    return ChunkTask(html, unit_ids, may_carry, "/nonexistent-directory/chunk.pdf")
