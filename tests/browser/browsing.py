"""What the browser tests share: where screenshots go, and logging in."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import PASSWORD

OUTPUT = Path(__file__).resolve().parent / "screenshots"  # (ignored by git: for a reviewer to look at)


def log_in(driver, base: str, username: str = "admin") -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/login")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    WebDriverWait(driver, 20, 0.1).until(lambda d: "/login" not in d.current_url)  # the POST has landed


def switch_language(browser, code: str) -> None:
    """With the picker in the navigation bar, as a user would."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    Select(browser.find_element(By.ID, "language-select")).select_by_value(code)
    browser.find_element(By.CSS_SELECTOR, ".language-picker button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.documentElement.lang") == code)
