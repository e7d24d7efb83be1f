"""The record picker by keyboard, in Chromium: type part of a title, arrow down, Enter. The field
keeps showing the title (with level and identifier), a hidden input holds the slug the form sends;
a picker of several shows chips that remove a choice."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from extensions import db
from models import ArchivalDescription
from models.description import level_label
from tests.browser.browsing import OUTPUT, log_in


def first_records(app, count: int) -> list[tuple[str, str, str]]:
    """(slug, title, what the picker shows) of the demo fonds and its first descendants, in tree order."""
    with app.app_context():
        found = db.session.scalars(db.select(ArchivalDescription).order_by(ArchivalDescription.lft).limit(count))
        return [(d.slug, d.title, f"{d.title} — {level_label(d.level_of_description)} · {d.identifier}") for d in found]


def suggestions(browser, field) -> list:
    listbox = browser.find_element(By.ID, field.get_attribute("aria-controls"))
    WebDriverWait(browser, 10).until(
        lambda d: listbox.is_displayed() and listbox.find_elements(By.CSS_SELECTOR, "[role=option]")
    )
    return listbox.find_elements(By.CSS_SELECTOR, "[role=option]")


def test_a_record_is_picked_by_name_with_the_keyboard(browser, live_server):
    base, app = live_server
    [(slug, title, shown)] = first_records(app, 1)
    log_in(browser, base)
    browser.get(f"{base}/jobs/new/finding_aid")
    field = browser.find_element(By.ID, "record")
    assert field.get_attribute("role") == "combobox"
    assert field.get_attribute("aria-expanded") == "false"
    field.send_keys("port ellis")
    options = suggestions(browser, field)
    assert field.get_attribute("aria-expanded") == "true"
    assert slug not in options[0].text  # title, level and identifier: never the slug
    field.send_keys(Keys.ARROW_DOWN)
    active = browser.find_element(By.ID, field.get_attribute("aria-activedescendant"))
    assert active.get_attribute("aria-selected") == "true"
    assert title in active.text
    browser.save_screenshot(str(OUTPUT / "picker-suggestions.png"))
    field.send_keys(Keys.ENTER)  # picks; does not send the form
    assert field.get_attribute("value") == shown  # "Port Ellis Harbour Commission fonds — Fonds · PEHC"
    assert not field.get_attribute("name")
    assert browser.find_element(By.ID, "record-value").get_attribute("value") == slug  # what the form sends
    assert browser.find_element(By.CSS_SELECTOR, "input[type=hidden][name=record]").get_attribute("value") == slug
    assert browser.current_url.endswith("/jobs/new/finding_aid")
    assert field.get_attribute("aria-expanded") == "false"
    browser.find_element(By.CSS_SELECTOR, "#job-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "/jobs/new" not in d.current_url)
    assert "Generate finding aid" in browser.find_element(By.TAG_NAME, "h1").text

    browser.get(f"{base}/jobs/new/move_description")  # an error: the form comes back showing the title
    field = browser.find_element(By.ID, "record")
    field.send_keys("port ellis")
    suggestions(browser, field)[0].click()
    browser.find_element(By.CSS_SELECTOR, "#job-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".message-error"))
    assert browser.find_element(By.ID, "record").get_attribute("value") == shown
    assert browser.find_element(By.ID, "record-value").get_attribute("value") == slug
    browser.get(f"{base}/jobs/?record={slug}")  # the Jobs filter's picker: the title, the URL's slug behind it
    assert browser.find_element(By.ID, "filter-record").get_attribute("value") == shown
    assert browser.find_element(By.ID, "filter-record-value").get_attribute("value") == slug


def test_the_export_picker_shows_its_choices_as_chips_on_a_phone(browser, live_server):
    base, app = live_server
    (first_slug, first_title, _), (second_slug, second_title, second_shown) = first_records(app, 2)
    log_in(browser, base)
    browser.set_window_size(390, 844)
    browser.get(f"{base}/jobs/new/export_descriptions")
    field = browser.find_element(By.ID, "record")
    value = browser.find_element(By.ID, "record-value")
    for words in (first_title, second_title):
        field.send_keys(words)
        next(o for o in suggestions(browser, field) if o.text.startswith(words)).click()
        WebDriverWait(browser, 5).until(lambda d: field.get_attribute("value") == "")
    chips = browser.find_elements(By.CSS_SELECTOR, "#record-chips .picker-chip")
    assert [chip.find_element(By.TAG_NAME, "span").text for chip in chips][1] == second_shown
    assert value.get_attribute("value") == f"{first_slug}, {second_slug}"
    width = browser.execute_script("return document.documentElement.clientWidth")
    assert all(chip.rect["x"] + chip.rect["width"] <= width for chip in chips)  # no chip past a phone's edge
    browser.save_screenshot(str(OUTPUT / "picker-chips-phone.png"))
    remove = chips[0].find_element(By.TAG_NAME, "button")
    assert remove.get_attribute("aria-label") == f"Remove {first_title}"
    remove.click()
    assert value.get_attribute("value") == second_slug
    assert len(browser.find_elements(By.CSS_SELECTOR, "#record-chips .picker-chip")) == 1
    browser.find_element(By.CSS_SELECTOR, "#job-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "/jobs/new" not in d.current_url)
    assert second_title in browser.find_element(By.ID, "job-parameters").text
