"""The Jobs page as archivists see it all day, in Chromium: the first job row without scrolling
on a laptop (1366x768) and a phone (390x844), and nothing destroyed by one click. Screenshots
go to tests/browser/screenshots/ for a reviewer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from extensions import db
from models import ArchivalDescription, Job, JobStatus, User, WorkerProcess
from models.base import utcnow
from tests.browser.browsing import OUTPUT, log_in, switch_language

SIZES = {"laptop": (1366, 768, False), "phone": (390, 844, True)}


def seed(app, jobs: int = 30) -> None:
    """A working day's history for the administrator (the most crowded page: workers, every
    count), some jobs about a record with a long title, one running, a live worker."""
    with app.app_context():
        record = db.session.scalars(db.select(ArchivalDescription).order_by(ArchivalDescription.lft)).first()
        admin = User.by_username("admin")
        now = utcnow()
        statuses = [JobStatus.COMPLETED, JobStatus.ERROR, JobStatus.CANCELED, JobStatus.QUEUED, JobStatus.RUNNING]
        for n in range(jobs):
            status = statuses[n % len(statuses)]
            db.session.add(
                Job(
                    type="finding_aid" if n % 2 else "export_descriptions",
                    status=status,
                    user_id=admin.id,
                    parameters={"format": "pdf"},
                    description_id=record.id if n % 3 == 0 else None,
                    created_at=now - timedelta(minutes=jobs - n),
                    started_at=None if status == JobStatus.QUEUED else now - timedelta(minutes=jobs - n),
                    finished_at=now - timedelta(minutes=jobs - n - 1) if status in JobStatus.inactive() else None,
                    progress_done=120 if status == JobStatus.RUNNING else None,
                    progress_total=300 if status == JobStatus.RUNNING else None,
                    info="ValueError: the file has no header row" if status == JobStatus.ERROR else "Done.",
                )
            )
        db.session.add(WorkerProcess(id="w-layout", hostname="archive-box", pid=4242, last_seen_at=now, started_at=now))
        db.session.commit()


def emulate(browser, width: int, height: int, mobile: bool) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )


def first_row_box(browser) -> dict:
    return browser.execute_script(
        "const r = document.querySelector('table.jobs tbody tr').getBoundingClientRect();"
        "return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, height: r.height,"
        " viewport: window.innerHeight, scroll: document.documentElement.scrollWidth, width: window.innerWidth};"
    )


@pytest.mark.parametrize("size", SIZES)
def test_the_first_job_row_is_visible_without_scrolling(browser, live_server, size):
    base, app = live_server
    seed(app)
    width, height, mobile = SIZES[size]
    try:
        emulate(browser, width, height, mobile)
        log_in(browser, base)
        browser.get(f"{base}/jobs/")
        box = first_row_box(browser)
        browser.save_screenshot(str(OUTPUT / f"jobs-first-row-{size}-{width}x{height}.png"))
        print(f"{size} {width}x{height}: first row top {box['top']:.0f} px, bottom {box['bottom']:.0f} px, "
              f"row height {box['height']:.0f} px")  # fmt: skip
        assert box["bottom"] <= box["viewport"], f"the first job row ends at {box['bottom']:.0f} px, below the fold"
        assert box["scroll"] <= box["width"], "the page is wider than the screen"
        if not mobile:
            lines = browser.execute_script(
                "return [...document.querySelectorAll('table.jobs tbody tr td.date')].map(td => {"
                " const range = document.createRange(); range.selectNodeContents(td);"
                " return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; });"
            )
            assert max(lines) == 1, "a date wraps onto two lines"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def open_dialog(browser):
    """The confirmation dialog confirm.js opens in place of the page (the URL does not change)."""
    return WebDriverWait(browser, 10).until(
        lambda d: next(iter(d.find_elements(By.CSS_SELECTOR, "dialog.confirm-dialog[open]")), None)
    )


def test_clear_and_cancel_ask_first(browser, live_server):
    """In a dialog that says what goes; its "back" link and Escape close it, nothing gone."""
    base, app = live_server
    seed(app, jobs=10)
    log_in(browser, base)
    browser.get(f"{base}/jobs/")
    browser.find_element(By.LINK_TEXT, "Clear inactive jobs…").click()
    dialog = open_dialog(browser)
    assert browser.current_url.endswith("/jobs/")
    count = dialog.find_element(By.ID, "bulk-count").text
    assert count == "This deletes 6 inactive jobs of yours, with their output, their files and their Undo."
    assert len(dialog.find_elements(By.CSS_SELECTOR, ".job-preview li")) == 5  # which ones, not just how many
    assert browser.execute_script("return document.activeElement.closest('dialog') !== null")  # focus moved in
    browser.save_screenshot(str(OUTPUT / "jobs-clear-confirmation.png"))
    dialog.find_element(By.LINK_TEXT, "Back to the jobs").click()
    WebDriverWait(browser, 5).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog.confirm-dialog"))
    assert browser.switch_to.active_element.text == "Clear inactive jobs…"  # focus back where it was
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 10  # nothing gone yet
        queued = db.session.scalar(db.select(Job.id).where(Job.status == JobStatus.QUEUED))
    browser.get(f"{base}/jobs/{queued}")
    browser.find_element(By.LINK_TEXT, "Cancel job…").click()
    dialog = open_dialog(browser)
    assert "It has not started: it will never run." in dialog.text
    browser.save_screenshot(str(OUTPUT / "job-cancel-confirmation.png"))
    dialog.send_keys(Keys.ESCAPE)
    WebDriverWait(browser, 5).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog.confirm-dialog"))
    with app.app_context():
        assert db.session.get(Job, queued).status == JobStatus.QUEUED
    browser.find_element(By.LINK_TEXT, "Cancel job…").click()
    browser.execute_script("window.__oldPage = true")  # gone once the POST's answer has loaded
    open_dialog(browser).find_element(By.CSS_SELECTOR, "button.danger").click()
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("return !window.__oldPage && document.readyState === 'complete'")
    )
    with app.app_context():
        assert db.session.get(Job, queued).status == JobStatus.CANCELED
    assert "canceled" in browser.find_element(By.TAG_NAME, "main").text.lower()


def test_without_javascript_the_confirmation_is_a_page(browser, live_server):
    base, app = live_server
    seed(app, jobs=5)
    log_in(browser, base)
    browser.get(f"{base}/jobs/")
    browser.execute_script("document.querySelector('a[data-confirm]').removeAttribute('data-confirm')")
    browser.find_element(By.LINK_TEXT, "Clear inactive jobs…").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/jobs/clear"))
    assert "inactive jobs of yours" in browser.find_element(By.ID, "bulk-count").text


def test_the_details_page_shows_progress_live_without_a_reload(browser, live_server):
    from actors.engine.launching import launch
    from commands.demo_data import insert_demo_fonds

    base, app = live_server
    with app.app_context():
        big = ArchivalDescription.by_slug(insert_demo_fonds(450, title="A long fonds"))
        job_id = launch("finding_aid", user=User.by_username("admin"), description=big, parameters={"format": "pdf"})[
            0
        ].id
    log_in(browser, base)
    browser.get(f"{base}/jobs/{job_id}")
    browser.execute_script("window.__sameDocument = true")  # gone if the page reloads
    text, same_document = WebDriverWait(browser, 60, 0.1).until(  # one look: the page reloads once the job ends
        lambda d: d.execute_script(
            "const b = document.querySelector('#job-progress progress');"
            "return b && b.value > 0 && [document.getElementById('job-progress').textContent, !!window.__sameDocument]"
        )
    )
    assert same_document, "the bar came with a reload"
    assert re.search(r"\d+ of 450 descriptions \(\d+%\)", text), text
    browser.save_screenshot(str(OUTPUT / "job-details-live-progress.png"))


def test_the_french_header_stays_on_one_line_on_a_laptop(browser, live_server):
    base, _ = live_server
    try:
        emulate(browser, 1366, 768, False)
        log_in(browser, base)
        browser.get(f"{base}/jobs/")
        switch_language(browser, "fr")
        tops = browser.execute_script(
            "return [...document.querySelectorAll('.site-header nav a, .site-header .account > *')]"
            ".map(e => Math.round(e.getBoundingClientRect().top))"
        )
        browser.save_screenshot(str(OUTPUT / "jobs-fr-header-1366.png"))
        assert max(tops) - min(tops) < 20, f"the header wraps: rows at {sorted(set(tops))}"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
