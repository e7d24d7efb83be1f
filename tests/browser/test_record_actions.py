"""A description page leads with what can be done to it (AtoM's context menu), and it and the
Users page fit the screen, in Debian's Chromium on a laptop (1366x768) and a phone (390x844):
the finding-aid action above the fold, labels beside their values in one column, stacked on a
phone, nothing wider than the phone. Screenshots go to tests/browser/screenshots/."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from models import Role
from models.user import create_user
from tests.browser.browsing import OUTPUT, log_in
from tests.browser.test_layout import emulate
from tests.helpers import PASSWORD

FONDS = "port-ellis-harbour-commission-fonds"
FIELDS = (  # each label of the page's field lists with its value: where they are
    "return [...document.querySelectorAll('.record-page dl.fields > dt')].map(dt => {"
    " const label = dt.getBoundingClientRect(), value = dt.nextElementSibling.getBoundingClientRect();"
    " return {label: dt.textContent, top: label.top, right: label.right,"
    "  valueTop: value.top, valueLeft: value.left}; })"
)


def page_box(browser, selector: str) -> dict:
    """Where an element is on the page (not the viewport), and the page's own width."""
    return browser.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, shown: r.height > 0,"
        " scroll: document.documentElement.scrollWidth};",
        selector,
    )


def font_sizes(browser) -> tuple[float, float]:
    """The H1's font size and the biggest H2's."""
    return browser.execute_script(
        "const size = e => parseFloat(getComputedStyle(e).fontSize);"
        "return [size(document.querySelector('h1')), Math.max(...[...document.querySelectorAll('h2')].map(size))];"
    )


def laptop_checks(browser, base: str) -> None:
    browser.get(f"{base}/descriptions/{FONDS}")
    generate = page_box(browser, "#action-finding-aid > summary")
    assert generate["shown"]
    assert generate["bottom"] <= 768, f"Generate finding aid ends at {generate['bottom']:.0f} px"
    assert page_box(browser, "#action-move_description")["bottom"] <= 768  # the other actions beside it
    browser.find_element(By.CSS_SELECTOR, "#action-finding-aid > summary").click()  # its options, then launch
    launch = page_box(browser, "#action-finding-aid button[type=submit]")
    assert launch["shown"]
    assert launch["bottom"] <= 768
    fields = browser.execute_script(FIELDS)
    assert len(fields) > 5
    for field in fields:
        assert abs(field["valueTop"] - field["top"]) < 2, f"{field['label']}: its value is not beside it"
    assert len({round(field["valueLeft"]) for field in fields}) == 1, "the value column moves from area to area"
    assert all(field["right"] <= fields[0]["valueLeft"] for field in fields)
    browser.save_screenshot(str(OUTPUT / "description-actions-1366x768.png"))


def phone_checks(browser, base: str) -> None:
    browser.get(f"{base}/descriptions/{FONDS}")
    menu = page_box(browser, "#record-actions > summary")
    assert menu["shown"]
    assert menu["bottom"] <= 844, "no Actions menu on the phone's first screen"
    assert not browser.find_element(By.ID, "action-finding-aid").is_displayed()  # (one tap away)
    browser.find_element(By.CSS_SELECTOR, "#record-actions > summary").click()
    assert browser.find_element(By.CSS_SELECTOR, "#action-finding-aid > summary").is_displayed()
    assert browser.find_element(By.ID, "action-move_description").is_displayed()
    assert page_box(browser, "h1")["scroll"] <= 390, "the description page is wider than the phone"
    h1, h2 = font_sizes(browser)
    assert h1 >= h2, f"the title ({h1} px) is smaller than a section heading ({h2} px)"
    fields = browser.execute_script(FIELDS)
    assert all(field["valueTop"] > field["top"] for field in fields), "labels and values are not stacked"
    browser.save_screenshot(str(OUTPUT / "description-actions-390x844.png"))
    browser.get(f"{base}/users/")
    assert page_box(browser, "h1")["scroll"] <= 390, "the Users page is wider than the phone"
    browser.save_screenshot(str(OUTPUT / "users-390x844.png"))


def test_actions_lead_the_record_and_the_pages_fit_a_laptop_and_a_phone(browser, live_server):
    base, app = live_server
    with app.app_context():  # a Users page as an archive has it: several roles, long addresses
        for name, role in (("margaret.oconnell-whitfield", Role.EDITOR), ("reading-room", Role.VIEWER)):
            create_user(name, PASSWORD, f"{name}@port-ellis-harbour-archives.example.org", role=role)
    try:
        emulate(browser, 1366, 768, False)
        log_in(browser, base)
        laptop_checks(browser, base)
        emulate(browser, 390, 844, True)
        phone_checks(browser, base)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
