"""The issue's "done when", walked in Chromium at 1366x768: every job type of the create menu is
launched with its records picked by name (typing part of a title, never a slug), and the job
just launched is the first row of the Jobs page, on the first screen."""

from __future__ import annotations

from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription, Job
from models.rights import RightsAct, RightsBasis, RightsRestriction, RightsStatement
from tests.browser.browsing import OUTPUT, log_in

CSV = Path(__file__).resolve().parents[1] / "fixtures" / "import" / "harbour.csv"


def pick(browser, field, query: str) -> None:
    """Type part of a title, take the first suggestion by keyboard."""
    field.clear()
    field.send_keys(query)
    listbox = browser.find_element(By.ID, field.get_attribute("aria-controls"))
    WebDriverWait(browser, 10).until(lambda d: listbox.find_elements(By.CSS_SELECTOR, "[role=option]"))
    field.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    WebDriverWait(browser, 5).until(lambda d: field.get_attribute("aria-expanded") == "false")


def left_the_form(browser, key: str) -> None:
    """The form was accepted: the browser is on the job's page. A deadline, not a timing: on a
    busy machine the launch takes longer; if it was refused, the message says why."""
    try:
        WebDriverWait(browser, 30).until(lambda d: "/jobs/new" not in d.current_url)
    except TimeoutException:
        errors = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "[role=alert], .field-error, .error")]
        raise AssertionError(f"{key}: still on the form after 30 s; it says: {errors}") from None


def test_every_job_type_is_launched_without_a_slug_and_shows_first(browser, live_server):
    base, app = live_server
    with app.app_context():
        insert_demo_fonds(20, title="Quarry Hill estate fonds")  # somewhere to move to
        fonds = db.session.scalars(select(ArchivalDescription).where(ArchivalDescription.parent_id.is_(None))).first()
        db.session.add(  # something for "Inherit rights" to pass down
            RightsStatement(
                description_id=fonds.id,
                basis=RightsBasis.COPYRIGHT,
                act=RightsAct.DISPLAY,
                restriction=RightsRestriction.ALLOW,
            )
        )
        db.session.commit()
    browser.set_window_size(1366, 768)
    log_in(browser, base)
    browser.get(f"{base}/jobs/new")
    types = [
        link.get_attribute("href") for link in browser.find_elements(By.CSS_SELECTOR, "main a[href*='/jobs/new/']")
    ]
    assert len(types) >= 8
    for url in types:
        key = url.rsplit("/", 1)[1]
        browser.get(url)
        form = browser.find_element(By.ID, "job-form")
        typed = []
        # (by id: a picker's name is its hidden slug field's)
        for field in form.find_elements(By.CSS_SELECTOR, "input[data-picker]"):
            query = "Quarry Hill" if field.get_attribute("id") == "new_parent" else "Port Ellis"
            pick(browser, field, query)
            typed.append(field.get_attribute("value"))
        for upload in form.find_elements(By.CSS_SELECTOR, "input[type=file]"):
            upload.send_keys(str(CSV))
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        left_the_form(browser, key)
        job_id = int(browser.current_url.rstrip("/").rsplit("/", 1)[1])
        with app.app_context():
            assert db.session.get(Job, job_id).type == key
        # (the job page reloads itself when its job ends: a link found before it may be stale)
        WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: d.find_element(By.CSS_SELECTOR, "header nav a[href$='/jobs/']").click() or True
        )
        row = WebDriverWait(browser, 10).until(  # (the details page before it has no jobs table)
            lambda d: next(iter(d.find_elements(By.CSS_SELECTOR, "table.jobs tbody tr")), None)
        )
        assert row.get_attribute("id") == f"job-{job_id}", f"{key}: the job just launched is not the first row"
        bottom = browser.execute_script("const r = arguments[0].getBoundingClientRect(); return r.bottom", row)
        assert bottom <= browser.execute_script("return window.innerHeight"), f"{key}: below the fold"
        print(f"{key}: job {job_id}, picked {typed}, first row ends at {bottom:.0f} px")
    browser.save_screenshot(str(OUTPUT / "every-job-type-launched.png"))
