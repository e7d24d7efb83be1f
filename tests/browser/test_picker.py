"""The record picker by keyboard, in Chromium: type part of a title, arrow down, Enter."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from extensions import db
from models import ArchivalDescription
from tests.browser.browsing import OUTPUT, log_in


def test_a_record_is_picked_by_name_with_the_keyboard(browser, live_server):
    base, app = live_server
    with app.app_context():
        fonds = db.session.scalars(
            db.select(ArchivalDescription).where(ArchivalDescription.parent_id.is_(None))
        ).first()
        slug, title = fonds.slug, fonds.title
    log_in(browser, base)
    browser.get(f"{base}/jobs/new/finding_aid")
    field = browser.find_element(By.ID, "record")
    assert field.get_attribute("role") == "combobox"
    assert field.get_attribute("aria-expanded") == "false"
    field.send_keys("port ellis")
    listbox = browser.find_element(By.ID, field.get_attribute("aria-controls"))
    WebDriverWait(browser, 10).until(
        lambda d: listbox.is_displayed() and listbox.find_elements(By.CSS_SELECTOR, "[role=option]")
    )
    assert field.get_attribute("aria-expanded") == "true"
    field.send_keys(Keys.ARROW_DOWN)
    active = browser.find_element(By.ID, field.get_attribute("aria-activedescendant"))
    assert active.get_attribute("aria-selected") == "true"
    assert title in active.text
    browser.save_screenshot(str(OUTPUT / "picker-suggestions.png"))
    field.send_keys(Keys.ENTER)  # picks; does not send the form
    assert field.get_attribute("value") == slug
    assert browser.current_url.endswith("/jobs/new/finding_aid")
    assert title in browser.find_element(By.ID, "record-chosen").text
    assert field.get_attribute("aria-expanded") == "false"
    browser.find_element(By.CSS_SELECTOR, "#job-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "/jobs/new" not in d.current_url)
    assert "Generate finding aid" in browser.find_element(By.TAG_NAME, "h1").text
