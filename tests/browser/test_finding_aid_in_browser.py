"""The newcomer's path in a real browser: launch a finding aid, watch it finish with auto
refresh (no reload), read its output, download the PDF."""

from __future__ import annotations

from pypdf import PdfReader
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.browsing import OUTPUT, log_in
from tests.helpers import wait_for


def test_launch_follow_and_download_a_finding_aid(browser, live_server):
    base, _ = live_server
    log_in(browser, base)
    browser.get(f"{base}/descriptions/port-ellis-harbour-commission-fonds")
    browser.find_element(By.CSS_SELECTOR, "#action-finding-aid > summary").click()  # the action under the title
    Select(browser.find_element(By.NAME, "format")).select_by_value("pdf")
    browser.find_element(By.XPATH, "//button[text()='Generate finding aid']").click()
    # the POST's redirect lands on the description page again: wait for it, not for the old one
    messages = WebDriverWait(browser, 30, 0.1).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".messages"))
    assert "Launched" in messages[0].text

    browser.get(f"{base}/jobs/")
    toggle = browser.find_element(By.ID, "auto-refresh")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    browser.execute_script("window.__sameDocument = true")  # gone if the page reloads
    # auto refresh swaps the table in place: a table found just before a swap goes stale, look again
    WebDriverWait(browser, 60, 0.2, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: "Completed" in d.find_element(By.CSS_SELECTOR, "#jobs-live table").text
    )
    assert browser.execute_script("return window.__sameDocument") is True, "the page reloaded"
    assert "autorefresh=1" in browser.current_url
    browser.save_screenshot(str(OUTPUT / "jobs-page.png"))

    browser.find_element(By.CSS_SELECTOR, "#jobs-live td.job-number a").click()
    output = browser.find_element(By.ID, "job-output").text
    assert "Rendering 200 of 200 descriptions..." in output
    browser.save_screenshot(str(OUTPUT / "job-details.png"))

    browser.find_element(By.LINK_TEXT, "Download the finding aid").click()
    pdf = wait_for(lambda: next((p for p in browser.downloads.glob("*.pdf")), None), timeout=30, what="the PDF")
    reader = PdfReader(pdf)
    assert len(reader.pages) > 1
    assert "Port Ellis Harbour Commission fonds" in " ".join(reader.pages[0].extract_text().split())
