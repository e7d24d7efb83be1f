"""axe-core audits of every page, in English and in French, in Debian's Chromium: no serious or
critical violation; and the Jobs page's own promises (table semantics, status text + icon,
keyboard toggle, polite live updates, pause while hidden, form errors, focus, skip link, phone)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from actors.engine.launching import launch
from extensions import db
from models import ArchivalDescription, Job, JobStatus, RecordChange, User
from models.base import utcnow
from tests.browser.browsing import OUTPUT, log_in, switch_language

AXE_DIR = Path(__file__).resolve().parents[2] / ".cache" / "axe"
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = ("en", "fr")
DESKTOP, PHONE = (1280, 900), (360, 800)


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from the npm registry, cached under .cache/axe."""
    if not AXE.exists():
        if not shutil.which("npm"):
            pytest.skip("npm is not installed: cannot fetch axe-core for the accessibility audit")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(AXE_DIR), "axe-core@4"],
            check=True,
            timeout=300,
        )
    return AXE.read_text()


def audit(browser, axe_source: str) -> list[dict]:
    """Serious and critical violations on the current page."""
    browser.execute_script(axe_source)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)));"
    )
    return [v for v in json.loads(result) if v["impact"] in ("serious", "critical")]


def seed_jobs(app) -> tuple[str, int]:
    """A job of every status (some about a record, one running with progress): (record slug, a job id)."""
    with app.app_context():
        record = db.session.scalars(db.select(ArchivalDescription).order_by(ArchivalDescription.lft)).first()
        admin = User.by_username("admin")
        now = utcnow()
        for n, status in enumerate(JobStatus):
            db.session.add(
                Job(
                    type="finding_aid",
                    status=status,
                    user_id=admin.id,
                    parameters={"format": "pdf"},
                    description_id=record.id if n % 2 == 0 else None,
                    created_at=now - timedelta(minutes=10 - n),
                    started_at=None if status == JobStatus.QUEUED else now - timedelta(minutes=10 - n),
                    finished_at=now if status in JobStatus.inactive() else None,
                    progress_done=3 if status == JobStatus.RUNNING else None,
                    progress_total=12 if status == JobStatus.RUNNING else None,
                    info="ValueError: boom" if status == JobStatus.ERROR else None,
                )
            )
        changed = Job(type="publication_status", status=JobStatus.COMPLETED, user_id=admin.id, created_at=now)
        db.session.add(changed)
        db.session.flush()
        db.session.add_all(  # a Changes section: updates, a move, a record deleted since
            [
                RecordChange(job_id=changed.id, description_id=record.id, kind="updated",
                             before={"publication_status": "draft"}, after={"publication_status": "published"}),
                RecordChange(job_id=changed.id, description_id=record.id, kind="moved",
                             before={"parent_id": None, "previous_sibling_id": None}, after={"parent_id": None}),
                RecordChange(job_id=changed.id, description_id=999_999, kind="created"),
            ]
        )  # fmt: skip
        db.session.commit()
        job_id = launch("finding_aid", user=admin, description=record, parameters={"format": "pdf"})[0].id
        return record.slug, job_id


def pages(base: str, slug: str, job_id: int, queued_id: int | None = None) -> dict[str, str]:
    cancel = {"cancel confirm": f"{base}/jobs/{queued_id}/cancel"} if queued_id else {}
    return {
        **cancel,
        "clear confirm": f"{base}/jobs/clear",
        "jobs": f"{base}/jobs/",
        "active jobs": f"{base}/jobs/active",
        "jobs filtered": f"{base}/jobs/?status=error&q=ab",
        "job details": f"{base}/jobs/{job_id}",
        "job changes": f"{base}/jobs/{job_id - 1}#changes",  # (seed_jobs adds it just before)
        "bulk confirm": f"{base}/jobs/bulk/clear",
        "create job menu": f"{base}/jobs/new",
        "create job form": f"{base}/jobs/new/finding_aid",
        "move form": f"{base}/jobs/new/move_description?record={slug}",
        "rights form": f"{base}/jobs/new/inherit_rights?record={slug}",
        "publication form": f"{base}/jobs/new/publication_status?record={slug}",
        "import form": f"{base}/jobs/new/import_descriptions",
        "export form": f"{base}/jobs/new/export_descriptions",
        "report form": f"{base}/jobs/new/report",
        "descriptions": f"{base}/descriptions/",
        "description": f"{base}/descriptions/{slug}",
        "users": f"{base}/users/",
        "new user": f"{base}/users/new",
        "reset password confirm": f"{base}/users/1/reset-password",
        "my password": f"{base}/account/password",
        "not found": f"{base}/jobs/999999",
    }


def save_page_screenshot(browser, name: str, width: int) -> None:
    """The whole page at this width (the window grows to the page's height)."""
    height = browser.execute_script("return Math.min(document.documentElement.scrollHeight, 4000)")
    browser.set_window_size(width, max(height, 600))
    browser.save_screenshot(str(OUTPUT / name))


def test_every_page_passes_axe_in_both_languages(browser, live_server, axe_source):
    base, app = live_server
    slug, job_id = seed_jobs(app)
    with app.app_context():  # seeded Queued: a worker never takes it (it has no message)
        queued_id = db.session.scalar(db.select(Job.id).where(Job.status == JobStatus.QUEUED).order_by(Job.id))
    report: dict[str, dict[str, list[dict]]] = {}
    for code in LANGUAGES:
        browser.delete_all_cookies()
        browser.set_window_size(*DESKTOP)
        browser.get(f"{base}/login")
        switch_language(browser, code)  # anonymous: remembered for the browser session
        found = report[code] = {"login": audit(browser, axe_source)}
        log_in(browser, base)
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == code
        for name, url in pages(base, slug, job_id, queued_id).items():
            browser.get(url)
            found[name] = audit(browser, axe_source)
        browser.get(f"{base}/jobs/new/move_description")
        browser.find_element(By.CSS_SELECTOR, "#job-form button[type=submit]").click()  # errors on the form
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".message-error[role=alert]"))
        found["form with errors"] = audit(browser, axe_source)
        browser.get(f"{base}/jobs/")
        save_page_screenshot(browser, f"jobs-{code}-desktop.png", DESKTOP[0])
        browser.set_window_size(*PHONE)
        browser.get(f"{base}/jobs/")
        found["jobs (phone)"] = audit(browser, axe_source)
        save_page_screenshot(browser, f"jobs-{code}-phone.png", PHONE[0])
        browser.set_window_size(*PHONE)
        browser.get(f"{base}/descriptions/{slug}")
        found["description (phone)"] = audit(browser, axe_source)
        browser.find_element(By.CSS_SELECTOR, ".account button").click()  # log out
    counts = {code: {page: len(v) for page, v in pages_.items()} for code, pages_ in report.items()}
    rules = {
        f"{code} {page}": [v["id"] for v in found]
        for code, pages_ in report.items()
        for page, found in pages_.items()
        if found
    }
    (OUTPUT / "axe-report.json").write_text(json.dumps(report, indent=2))
    print("\naxe serious/critical violations per page and language:")
    for page in report["en"]:
        print(f"  {page:22} " + "  ".join(f"{code}: {counts[code].get(page, '-')}" for code in LANGUAGES))
    assert not rules, rules


@pytest.fixture
def jobs_page(browser, live_server):
    """Logged in as admin on the Jobs page (jobs of every status); yields (browser, base, app)."""
    base, app = live_server
    seed_jobs(app)
    log_in(browser, base)
    browser.get(f"{base}/jobs/")
    return browser, base, app


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_jobs_table_is_a_real_table_and_status_is_not_colour_alone(jobs_page, code):
    browser = jobs_page[0]
    if code != "en":
        switch_language(browser, code)
    table = browser.find_element(By.CSS_SELECTOR, "table.jobs")
    assert table.find_element(By.TAG_NAME, "caption").text.strip()
    headers = table.find_elements(By.CSS_SELECTOR, "thead th[scope=col]")
    assert len(headers) == 8
    assert all(h.get_attribute("textContent").strip() for h in headers)
    for status in table.find_elements(By.CSS_SELECTOR, ".status"):
        assert status.text.strip(), "a status without its text"
        icon = browser.execute_script("return getComputedStyle(arguments[0], '::before').content", status)
        assert icon not in ("none", "normal", ""), "a status without its icon"
    links = table.find_elements(By.CSS_SELECTOR, "a.record-link")
    assert links, "no related-record link to check"
    for link in links:
        assert link.accessible_name.strip(), "a related-record link without an accessible name"


def test_auto_refresh_is_a_keyboard_toggle_announced_politely_and_paused_while_hidden(jobs_page):
    browser, _, app = jobs_page
    announcer = browser.find_element(By.ID, "jobs-announcer")
    assert announcer.get_attribute("aria-live") == "polite"
    assert announcer.get_attribute("role") == "status"
    toggle = browser.find_element(By.ID, "auto-refresh")
    assert toggle.get_attribute("role") == "button"
    assert toggle.get_attribute("aria-pressed") == "false"
    # Reach it with the keyboard: Tab until it has focus, then Space.
    for _ in range(60):
        if browser.switch_to.active_element == toggle:
            break
        ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element == toggle, "the toggle cannot be reached with Tab"
    outline = browser.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth]", toggle
    )
    assert outline[0] != "none", f"no visible focus on the toggle: {outline}"
    assert outline[1] != "0px", f"no visible focus on the toggle: {outline}"
    browser.execute_script(
        "window.__sameDocument = true; window.__fetches = 0; const f = window.fetch;"
        "window.fetch = function () { window.__fetches += 1; return f.apply(this, arguments); };"
    )
    toggle.send_keys(Keys.SPACE)
    assert toggle.get_attribute("aria-pressed") == "true"
    # A new job appears in place, announced by the live region, focus staying on the toggle.
    with app.app_context():
        new_id = launch(
            "finding_aid",
            user=User.by_username("admin"),
            description=db.session.scalars(db.select(ArchivalDescription)).first(),
            parameters={"format": "rtf"},
        )[0].id
    WebDriverWait(browser, 15, 0.2).until(lambda d: d.find_elements(By.ID, f"job-{new_id}"))
    assert browser.execute_script("return window.__sameDocument") is True, "the page reloaded"
    assert browser.switch_to.active_element == toggle, "the refresh moved the focus"
    WebDriverWait(browser, 3, 0.1).until(lambda d: "running" in announcer.get_attribute("textContent"))
    # Hidden tab: no polling; visible again: refreshed at once.
    browser.execute_script(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});"
        "document.dispatchEvent(new Event('visibilitychange')); window.__fetches = 0;"
    )
    time.sleep(6)
    assert browser.execute_script("return window.__fetches") == 0, "auto refresh polled while the tab was hidden"
    browser.execute_script(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});"
        "document.dispatchEvent(new Event('visibilitychange'));"
    )
    WebDriverWait(browser, 3, 0.1).until(lambda d: d.execute_script("return window.__fetches") >= 1)
    # Enter works too (a link with role=button), and turns it off.
    toggle.send_keys(Keys.ENTER)
    assert toggle.get_attribute("aria-pressed") == "false"


def test_skip_link_and_visible_focus(jobs_page):
    browser, base, _ = jobs_page
    browser.get(f"{base}/jobs/")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    skip = browser.switch_to.active_element
    assert skip.get_attribute("class") == "skip-link"
    assert skip.rect["x"] >= 0, "the skip link is not shown when focused"
    assert skip.is_displayed(), "the skip link is not shown when focused"
    skip.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"


@pytest.mark.parametrize("code", LANGUAGES)
def test_form_errors_are_announced_and_linked_to_their_field(jobs_page, code):
    browser, base, _ = jobs_page
    if code != "en":
        switch_language(browser, code)
    browser.get(f"{base}/jobs/new/move_description")
    browser.find_element(By.CSS_SELECTOR, "#job-form button[type=submit]").click()
    summary = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, ".message-error[role=alert]"))
    link = summary.find_element(By.CSS_SELECTOR, "a[href^='#']")
    field = browser.find_element(By.ID, link.get_attribute("href").split("#", 1)[1])
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()  # (its help, its error, a picker's choice)
    error = browser.find_element(By.ID, next(id_ for id_ in described if id_.endswith("-error")))
    assert error.text.strip()
    assert field.accessible_name.strip(), "a field without a label"
    link.click()
    assert browser.switch_to.active_element == field


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_jobs_page_is_readable_on_a_phone(jobs_page, code):
    browser, base, _ = jobs_page
    if code != "en":
        switch_language(browser, code)
    browser.set_window_size(*PHONE)
    browser.get(f"{base}/jobs/")
    inner, scroll = browser.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
    assert scroll <= inner, f"the page scrolls sideways at {inner} px ({scroll} px wide)"
    cell = browser.find_element(By.CSS_SELECTOR, "table.jobs td")
    assert browser.execute_script("return getComputedStyle(arguments[0]).display", cell) == "block"  # cards
    label = browser.execute_script("return getComputedStyle(arguments[0], '::before').content", cell)
    assert label.strip('"') == cell.get_attribute("data-label")  # each value says what it is
