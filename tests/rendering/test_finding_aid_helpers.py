"""Finding aids rendered with WeasyPrint helper processes (series side by side) are the same PDF as in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from actors.rendering import finding_aid, lanes, pdf_workers
from actors.rendering.pdf_workers import ChunkTask
from tests.rendering.test_finding_aid_rendering import add_tree, assert_progress, page_texts, tree_spec

CHUNK_SIZE = 12  # 61 descriptions: 3 lanes (the root's part with series 1, series 2, series 3) of 2 chunks


@pytest.fixture
def small_tree(monkeypatch):
    """3 series of 20 descriptions, each long enough to be a section (and a lane), in small chunks."""
    monkeypatch.setattr(finding_aid, "CHUNK_SIZE", CHUNK_SIZE)
    monkeypatch.setattr(finding_aid, "MIN_CHUNK_SIZE", CHUNK_SIZE)
    monkeypatch.setattr(finding_aid, "SECTION_MIN_DESCENDANTS", 10)
    monkeypatch.setattr(finding_aid, "PARALLEL_MIN_DESCRIPTIONS", 0)
    return add_tree(tree_spec(files_per_series=4, items_per_file=4))


def test_helper_processes_give_the_same_pages_bookmarks_and_progress(app, tmp_path, small_tree):
    rows = small_tree
    results = {}
    for processes in (1, 2):
        app.config["FINDING_AID_PROCESSES"] = processes
        dest = tmp_path / f"aid-{processes}.pdf"
        calls: list[tuple[int, int]] = []
        pages = finding_aid.render_finding_aid(rows[0].id, "pdf", dest, lambda *call, calls=calls: calls.append(call))
        reader = PdfReader(dest)
        results[processes] = (pages, page_texts(reader), [item.title for item in reader.outline])
        assert_progress(calls, len(rows))  # lanes finish in any order: progress still only grows
    assert results[1] == results[2]
    assert results[2][0] > 6
    assert results[2][2][-3:] == ["Series 1", "Series 2", "Series 3"]  # the lanes joined in order


def test_a_failing_helper_fails_the_render_with_its_traceback(app, tmp_path, monkeypatch, small_tree):
    rows = small_tree
    app.config["FINDING_AID_PROCESSES"] = 2
    monkeypatch.setattr(lanes, "ChunkTask", _unwritable)
    with pytest.raises(RuntimeError, match="PDF helper process failed"):
        finding_aid.render_finding_aid(rows[0].id, "pdf", tmp_path / "aid.pdf", lambda *call: None)
    assert not (tmp_path / "aid.pdf").exists()


def _unwritable(html, unit_ids, may_carry, path, **options) -> ChunkTask:
    """A task whose PDF cannot be written (its path is a folder): the helper fails while writing it."""
    Path(path).mkdir()
    return ChunkTask(html, unit_ids, may_carry, path, **options)


def test_a_killed_helper_fails_the_render_with_a_clear_message(app, tmp_path, monkeypatch, small_tree):
    rows = small_tree
    app.config["FINDING_AID_PROCESSES"] = 2
    start = pdf_workers.ChunkPool.start

    def start_then_kill(pool, slot, task, chunk):
        start(pool, slot, task, chunk)
        pool.helpers[slot].process.kill()  # as the kernel's out-of-memory killer would

    monkeypatch.setattr(pdf_workers.ChunkPool, "start", start_then_kill)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RuntimeError, match=r"PDF helper process ended unexpectedly \(exit code -9\)"):
        finding_aid.render_finding_aid(rows[0].id, "pdf", out / "aid.pdf", lambda *call: None)
    assert list(out.iterdir()) == []  # no partial file, no chunk folder


def test_a_helper_whose_job_process_died_exits_quietly():
    """When the worker running the job is killed, its helpers see the pipe close and go."""
    with pdf_workers.ChunkPool(1, "", "/") as pool:
        helper = pool.helpers[0]
        helper.connection.close()  # what the kernel does to the pipe of a killed process
        helper.process.join(timeout=30)
        assert helper.process.exitcode == 0
