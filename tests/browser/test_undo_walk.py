"""The undo-integrity issue's "done when", walked in Chromium: import the Hornstein papers, undo
it, import AtoM's ISAD example, then undo the Undo from the closed job's page. The papers come
back at top level with their ids, Example fonds holds only its item, and the pages say so."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from extensions import db
from models import ArchivalDescription, Job, JobStatus
from tests.browser.browsing import OUTPUT, log_in
from tests.helpers import wait_for

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
HORNSTEIN, ISAD = CORPUS / "aspace_ead_hornstein.xml", CORPUS / "atom_example_information_objects_isad.csv"
pytestmark = pytest.mark.skipif(not HORNSTEIN.exists(), reason=f"the real files are not there: {CORPUS}")


def finished(app, job_id: int) -> Job:
    def ended() -> Job | None:
        with app.app_context():
            job = db.session.get(Job, job_id)
            return job if job.status in JobStatus.inactive() else None

    job = wait_for(ended, timeout=120)
    assert job.status == JobStatus.COMPLETED, job.output
    return job


def job_on_page(browser) -> int:
    WebDriverWait(browser, 10).until(lambda d: "/jobs/new" not in d.current_url and "/undo" not in d.current_url)
    return int(browser.current_url.rstrip("/").rsplit("/", 1)[1])


def import_file(browser, base: str, app, path: Path) -> int:
    browser.get(f"{base}/jobs/new/import_descriptions")
    form = browser.find_element(By.ID, "job-form")
    form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(path))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    job_id = job_on_page(browser)  # (the form's page until the POST has landed)
    finished(app, job_id)
    return job_id


def undo_in_dialog(browser, app, link) -> tuple[int, str]:
    """Open the Undo confirmation in its dialog, read it, confirm; (the Undo's id, what it said)."""
    link.click()
    dialog = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "dialog.confirm-dialog[open]"))
    text = dialog.text
    browser.save_screenshot(str(OUTPUT / "undo-of-undo-confirmation.png"))
    opened_on = browser.current_url
    dialog.find_element(By.CSS_SELECTOR, "button.danger").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url != opened_on)  # the Undo's own page
    undo_id = job_on_page(browser)
    finished(app, undo_id)
    return undo_id, text


def test_the_reported_sequence_in_the_browser(browser, live_server):
    base, app = live_server
    browser.set_window_size(1366, 768)
    log_in(browser, base)
    hornstein = import_file(browser, base, app, HORNSTEIN)
    browser.get(f"{base}/jobs/{hornstein}")
    undo, _said = undo_in_dialog(browser, app, browser.find_element(By.LINK_TEXT, "Undo…"))
    example = import_file(browser, base, app, ISAD)

    browser.get(f"{base}/jobs/{hornstein}")  # closed: it offers to undo the Undo instead
    assert not browser.find_elements(By.LINK_TEXT, "Undo…")
    note = browser.find_element(By.ID, "undone-note")
    assert f"Undone by job #{undo}" in note.text
    again, said = undo_in_dialog(browser, app, note.find_element(By.PARTIAL_LINK_TEXT, f"Undo job {undo}…"))
    assert "Puts “Lillian Herlands Hornstein Papers” and its 719 descendants back where it was" in said
    assert "changed since" not in said

    with app.app_context():
        papers = db.session.scalar(
            select(ArchivalDescription).where(ArchivalDescription.title == "Lillian Herlands Hornstein Papers")
        )
        assert papers.parent_id is None
        assert papers.descendant_count == 719
        example_fonds = ArchivalDescription.by_slug("example-fonds")
        assert [child.title for child in example_fonds.children()] == ["Example Item"]
        slug = example_fonds.slug
    browser.get(f"{base}/descriptions/{slug}")
    history = browser.find_element(By.ID, "history").text
    assert f"job {example}" in history
    assert f"job {hornstein}" not in history
    assert f"job {again}" not in history
